use crate::schema::tasks;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::BigInt;

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = tasks)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct Task {
    pub id: i32,
    pub title: String,
    pub done: bool,
    pub created_at: NaiveDateTime,
    pub due_on: Option<chrono::NaiveDate>,
    pub priority: i16,
}

#[derive(Insertable)]
#[diesel(table_name = tasks)]
pub struct NewTask<'a> {
    pub title: &'a str,
    pub due_on: Option<chrono::NaiveDate>,
    pub priority: i16,
}

#[derive(Debug, QueryableByName)]
pub struct OpenCount {
    #[diesel(sql_type = BigInt)]
    pub open: i64,
}
