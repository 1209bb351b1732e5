use crate::models::{Comment, NewComment};
use crate::schema::comments;
use diesel::prelude::*;

pub fn for_post(conn: &mut MysqlConnection, post_id: i64) -> QueryResult<Vec<Comment>> {
    comments::table
        .filter(comments::post_id.eq(post_id))
        .filter(comments::moderation_state.eq("approved"))
        .order(comments::created_at.asc())
        .select(Comment::as_select())
        .load(conn)
}

pub fn add(
    conn: &mut MysqlConnection,
    post_id: i64,
    author: &str,
    body: &str,
) -> QueryResult<usize> {
    diesel::insert_into(comments::table)
        .values(&NewComment {
            post_id,
            author,
            body,
            moderation_state: "pending",
        })
        .execute(conn)
}
