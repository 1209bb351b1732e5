//! Helpdesk 3.2.
use sqlx::MySqlPool;

#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::Type)]
#[sqlx(rename_all = "lowercase")]
pub enum Channel {
    Email,
    Phone,
    Chat,
}

#[derive(Debug, sqlx::FromRow)]
pub struct Ticket {
    pub id: i32,
    pub subject: String,
    pub channel: Channel,
}

pub async fn opened_since(pool: &MySqlPool, since: &str) -> sqlx::Result<Vec<Ticket>> {
    sqlx::query_as::<_, Ticket>(
        "SELECT id, subject, channel FROM tickets WHERE opened_at >= ? ORDER BY opened_at",
    )
    .bind(since)
    .fetch_all(pool)
    .await
}

pub async fn open(pool: &MySqlPool, subject: &str, channel: Channel) -> sqlx::Result<u64> {
    let done = sqlx::query("INSERT INTO tickets (subject, channel) VALUES (?, ?)")
        .bind(subject)
        .bind(channel)
        .execute(pool)
        .await?;
    Ok(done.last_insert_id())
}
