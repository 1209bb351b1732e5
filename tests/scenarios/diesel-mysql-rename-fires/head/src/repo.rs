use crate::models::{NewPost, Post};
use crate::schema::posts;
use diesel::prelude::*;

pub fn latest_published(conn: &mut MysqlConnection, n: i64) -> QueryResult<Vec<Post>> {
    posts::table
        .filter(posts::is_published.eq(true))
        .order(posts::id.desc())
        .limit(n)
        .select(Post::as_select())
        .load(conn)
}

pub fn create_draft(conn: &mut MysqlConnection, title: &str, body: &str) -> QueryResult<usize> {
    diesel::insert_into(posts::table)
        .values(&NewPost { title, body })
        .execute(conn)
}

pub fn publish(conn: &mut MysqlConnection, id: i32) -> QueryResult<usize> {
    diesel::update(posts::table.find(id))
        .set(posts::is_published.eq(true))
        .execute(conn)
}
