//! Feed reader 0.10: caching state lives in fetch_state.
use sqlx::query as q;
use sqlx::SqlitePool;

const DUE_FEEDS: &str = "SELECT f.id, f.url, s.etag, s.last_modified FROM feeds f \
    LEFT JOIN fetch_state s ON s.feed_id = f.id \
    WHERE f.last_fetched_at IS NULL OR f.last_fetched_at < datetime('now', '-1 hour')";

const MARK_FETCHED: &str = "UPDATE feeds SET last_fetched_at = datetime('now') WHERE id = ?1";

const SAVE_STATE: &str = "INSERT INTO fetch_state (feed_id, etag, last_modified) VALUES (?1, ?2, ?3) \
    ON CONFLICT (feed_id) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified";

pub async fn due(
    pool: &SqlitePool,
) -> sqlx::Result<Vec<(i64, String, Option<String>, Option<String>)>> {
    sqlx::query_as(DUE_FEEDS).fetch_all(pool).await
}

pub async fn mark_fetched(
    pool: &SqlitePool,
    id: i64,
    etag: Option<&str>,
    last_modified: Option<&str>,
) -> sqlx::Result<()> {
    q(MARK_FETCHED).bind(id).execute(pool).await?;
    q(SAVE_STATE)
        .bind(id)
        .bind(etag)
        .bind(last_modified)
        .execute(pool)
        .await?;
    Ok(())
}

pub async fn subscribe(pool: &SqlitePool, url: &str) -> sqlx::Result<()> {
    q("INSERT INTO feeds (url) VALUES (?1) ON CONFLICT (url) DO NOTHING")
        .bind(url)
        .execute(pool)
        .await?;
    Ok(())
}
