use crate::entity::cake;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set,
};

pub async fn gluten_free_cakes(db: &DatabaseConnection) -> Result<Vec<cake::Model>, DbErr> {
    cake::Entity::find()
        .filter(cake::Column::GlutenFree.eq(true))
        .order_by_asc(cake::Column::Name)
        .all(db)
        .await
}

pub async fn cake(db: &DatabaseConnection, id: i32) -> Result<Option<cake::Model>, DbErr> {
    cake::Entity::find_by_id(id).one(db).await
}

pub async fn add_cake(
    db: &DatabaseConnection,
    name: &str,
    price_cents: i32,
    gluten_free: bool,
) -> Result<cake::Model, DbErr> {
    cake::ActiveModel {
        name: Set(name.to_owned()),
        price_cents: Set(price_cents),
        gluten_free: Set(gluten_free),
        ..Default::default()
    }
    .insert(db)
    .await
}
