use crate::entity::{cake, fruit};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, Set,
};

pub async fn fruits_of(db: &DatabaseConnection, cake_id: i32) -> Result<Vec<fruit::Model>, DbErr> {
    fruit::Entity::find()
        .filter(fruit::Column::CakeId.eq(cake_id))
        .all(db)
        .await
}

pub async fn search(db: &DatabaseConnection, prefix: &str) -> Result<Vec<fruit::Model>, DbErr> {
    fruit::Entity::find()
        .filter(fruit::Column::Name.starts_with(prefix))
        .all(db)
        .await
}

pub async fn cake_with_fruits(
    db: &DatabaseConnection,
    id: i32,
) -> Result<Vec<(cake::Model, Vec<fruit::Model>)>, DbErr> {
    cake::Entity::find_by_id(id)
        .find_with_related(fruit::Entity)
        .all(db)
        .await
}

pub async fn add(
    db: &DatabaseConnection,
    name: &str,
    cake_id: Option<i32>,
) -> Result<fruit::Model, DbErr> {
    fruit::ActiveModel {
        name: Set(name.to_owned()),
        cake_id: Set(cake_id),
        ..Default::default()
    }
    .insert(db)
    .await
}
