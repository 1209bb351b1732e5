use crate::schema::members;
use diesel::prelude::*;
use diesel_migrations::{embed_migrations, EmbeddedMigrations};

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("db/migrations");

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = members)]
#[diesel(check_for_backend(diesel::mysql::Mysql))]
pub struct Member {
    pub id: u32,
    pub email: String,
    pub nickname: String,
}

#[derive(Insertable)]
#[diesel(table_name = members)]
pub struct NewMember<'a> {
    pub email: &'a str,
    pub nickname: &'a str,
}

pub fn by_nickname(conn: &mut MysqlConnection, name: &str) -> QueryResult<Option<Member>> {
    members::table
        .filter(members::nickname.eq(name))
        .select(Member::as_select())
        .first(conn)
        .optional()
}

pub fn join(conn: &mut MysqlConnection, new: &NewMember<'_>) -> QueryResult<usize> {
    diesel::insert_into(members::table)
        .values(new)
        .execute(conn)
}
