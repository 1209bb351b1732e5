//! Feed reader 0.9: which feeds to poll, and conditional GETs with ETags.
use sqlx::query as q;
use sqlx::SqlitePool;

const DUE_FEEDS: &str = "SELECT id, url, etag FROM feeds \
    WHERE last_fetched_at IS NULL OR last_fetched_at < datetime('now', '-1 hour')";

const MARK_FETCHED: &str =
    "UPDATE feeds SET etag = ?1, last_fetched_at = datetime('now') WHERE id = ?2";

pub async fn due(pool: &SqlitePool) -> sqlx::Result<Vec<(i64, String, Option<String>)>> {
    sqlx::query_as(DUE_FEEDS).fetch_all(pool).await
}

pub async fn mark_fetched(pool: &SqlitePool, id: i64, etag: Option<&str>) -> sqlx::Result<()> {
    q(MARK_FETCHED).bind(etag).bind(id).execute(pool).await?;
    Ok(())
}

pub async fn subscribe(pool: &SqlitePool, url: &str) -> sqlx::Result<()> {
    q("INSERT INTO feeds (url) VALUES (?1) ON CONFLICT (url) DO NOTHING")
        .bind(url)
        .execute(pool)
        .await?;
    Ok(())
}
