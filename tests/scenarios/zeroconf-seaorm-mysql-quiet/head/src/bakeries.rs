use crate::entity::bakery;
use sea_orm::{ActiveModelTrait, DatabaseConnection, DbErr, EntityTrait, Set};

pub async fn get(db: &DatabaseConnection, id: i32) -> Result<Option<bakery::Model>, DbErr> {
    bakery::Entity::find_by_id(id).one(db).await
}

pub async fn open(
    db: &DatabaseConnection,
    name: &str,
    profit_margin: f64,
    phone: Option<String>,
) -> Result<bakery::Model, DbErr> {
    bakery::ActiveModel {
        name: Set(name.to_owned()),
        profit_margin: Set(profit_margin),
        phone: Set(phone),
        ..Default::default()
    }
    .insert(db)
    .await
}
