use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "photo")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub album_id: i32,
    pub storage_key: String,
    pub caption: Option<String>,
    /// Computed from `storage_key` after loading (see `gallery::with_thumbnails`);
    /// not read from the database.
    #[sea_orm(ignore)]
    pub thumbnail_url: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
