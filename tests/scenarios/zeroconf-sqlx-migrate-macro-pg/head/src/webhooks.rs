//! Webhook deliveries 1.7.
use sqlx::PgPool;

/// The migrations live in db/migrations (shared with the ops tooling).
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./db/migrations");

pub struct Endpoint {
    pub id: i64,
    pub url: String,
    pub signing_secret: String,
}

pub async fn endpoints_for(pool: &PgPool, event: &str) -> sqlx::Result<Vec<Endpoint>> {
    sqlx::query_as!(
        Endpoint,
        "SELECT id, url, signing_secret FROM webhooks WHERE $1 = ANY(events) ORDER BY id",
        event
    )
    .fetch_all(pool)
    .await
}

pub async fn register(
    pool: &PgPool,
    url: &str,
    signing_secret: &str,
    events: &[String],
) -> sqlx::Result<i64> {
    let rec = sqlx::query!(
        "INSERT INTO webhooks (url, signing_secret, events) VALUES ($1, $2, $3) RETURNING id",
        url,
        signing_secret,
        events
    )
    .fetch_one(pool)
    .await?;
    Ok(rec.id)
}
