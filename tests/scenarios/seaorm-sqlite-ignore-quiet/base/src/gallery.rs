use crate::entity::photo;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set,
};

const CDN: &str = "https://img.example-cdn.net";

pub async fn album(db: &DatabaseConnection, album_id: i32) -> Result<Vec<photo::Model>, DbErr> {
    let photos = photo::Entity::find()
        .filter(photo::Column::AlbumId.eq(album_id))
        .order_by_asc(photo::Column::Id)
        .all(db)
        .await?;
    Ok(with_thumbnails(photos))
}

pub fn with_thumbnails(mut photos: Vec<photo::Model>) -> Vec<photo::Model> {
    for p in &mut photos {
        p.thumbnail_url = format!("{CDN}/thumb/320/{}", p.storage_key);
    }
    photos
}

pub async fn upload(
    db: &DatabaseConnection,
    album_id: i32,
    storage_key: &str,
    caption: Option<String>,
) -> Result<photo::Model, DbErr> {
    photo::ActiveModel {
        album_id: Set(album_id),
        storage_key: Set(storage_key.to_owned()),
        caption: Set(caption),
        ..Default::default()
    }
    .insert(db)
    .await
}
