use crate::entity::customer;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, Set,
};

pub async fn by_email(
    db: &DatabaseConnection,
    email: &str,
) -> Result<Option<customer::Model>, DbErr> {
    customer::Entity::find()
        .filter(customer::Column::Email.eq(email))
        .one(db)
        .await
}

pub async fn sign_up(
    db: &DatabaseConnection,
    name: &str,
    email: &str,
) -> Result<customer::Model, DbErr> {
    customer::ActiveModel {
        name: Set(name.to_owned()),
        email: Set(email.to_owned()),
        ..Default::default()
    }
    .insert(db)
    .await
}

pub async fn rename(
    db: &DatabaseConnection,
    id: i32,
    name: &str,
) -> Result<customer::Model, DbErr> {
    customer::ActiveModel {
        id: sea_orm::ActiveValue::Unchanged(id),
        name: Set(name.to_owned()),
        ..Default::default()
    }
    .update(db)
    .await
}
