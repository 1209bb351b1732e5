use crate::schema::comments;
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = comments)]
#[diesel(check_for_backend(diesel::mysql::Mysql))]
pub struct Comment {
    pub id: i64,
    pub post_id: i64,
    pub author: String,
    pub body: String,
    pub created_at: NaiveDateTime,
    pub moderation_state: String,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = comments)]
pub struct NewComment<'a> {
    pub post_id: i64,
    pub author: &'a str,
    pub body: &'a str,
    pub moderation_state: &'a str,
}
