use crate::schema::events;
use diesel::prelude::*;

pub fn record(conn: &mut SqliteConnection, kind: &str, payload: &str) -> QueryResult<i32> {
    diesel::insert_into(events::table)
        .values((events::kind.eq(kind), events::payload.eq(payload)))
        .returning(events::id)
        .get_result(conn)
}

pub fn count_of(conn: &mut SqliteConnection, kind: &str) -> QueryResult<i64> {
    events::table
        .filter(events::kind.eq(kind))
        .count()
        .get_result(conn)
}
