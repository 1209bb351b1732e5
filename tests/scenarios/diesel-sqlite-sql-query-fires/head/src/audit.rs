//! The audit log: raw SQL through `diesel::sql_query` (0.4).
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Text};

#[derive(Debug, QueryableByName)]
pub struct ActorCount {
    #[diesel(sql_type = Text)]
    pub actor: String,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

pub fn record(
    conn: &mut SqliteConnection,
    actor: &str,
    action: &str,
    event_id: i32,
) -> QueryResult<usize> {
    diesel::sql_query("INSERT INTO audit_log (actor, action, subject) VALUES (?, ?, 'event:' || ?)")
        .bind::<Text, _>(actor)
        .bind::<Text, _>(action)
        .bind::<Integer, _>(event_id)
        .execute(conn)
}

pub fn busiest_actors(conn: &mut SqliteConnection) -> QueryResult<Vec<ActorCount>> {
    diesel::sql_query(
        "SELECT actor, count(*) AS n FROM audit_log WHERE subject LIKE 'event:%' GROUP BY actor ORDER BY n DESC LIMIT 10",
    )
    .load(conn)
}
