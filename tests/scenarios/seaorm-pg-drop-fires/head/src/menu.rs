use crate::entity::{cake, cake_allergen};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set,
};

pub async fn cakes_without(
    db: &DatabaseConnection,
    allergen: &str,
) -> Result<Vec<cake::Model>, DbErr> {
    let with: Vec<i32> = cake_allergen::Entity::find()
        .filter(cake_allergen::Column::Allergen.eq(allergen))
        .all(db)
        .await?
        .into_iter()
        .map(|a| a.cake_id)
        .collect();
    cake::Entity::find()
        .filter(cake::Column::Id.is_not_in(with))
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
) -> Result<cake::Model, DbErr> {
    cake::ActiveModel {
        name: Set(name.to_owned()),
        price_cents: Set(price_cents),
        ..Default::default()
    }
    .insert(db)
    .await
}
