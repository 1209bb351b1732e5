use crate::models::{Author, NewAuthor};
use crate::schema::authors;
use diesel::prelude::*;

pub fn find(conn: &mut PgConnection, author_id: i32) -> QueryResult<Author> {
    authors::table
        .find(author_id)
        .select(Author::as_select())
        .first(conn)
}

pub fn list(conn: &mut PgConnection) -> QueryResult<Vec<Author>> {
    authors::table
        .order(authors::name.asc())
        .select(Author::as_select())
        .load(conn)
}

pub fn create(conn: &mut PgConnection, new: &NewAuthor<'_>) -> QueryResult<Author> {
    diesel::insert_into(authors::table)
        .values(new)
        .returning(Author::as_returning())
        .get_result(conn)
}
