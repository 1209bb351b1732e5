//! Release 3.5: `disabled_at` replaces the `disabled` flag.
use sqlx::PgPool;

pub struct KeyOwner {
    pub id: i64,
    pub owner_id: i64,
    pub label: String,
}

pub async fn authenticate(pool: &PgPool, key_hash: &[u8]) -> sqlx::Result<Option<KeyOwner>> {
    sqlx::query_as!(
        KeyOwner,
        "SELECT id, owner_id, label FROM api_keys WHERE key_hash = $1 AND disabled_at IS NULL",
        key_hash
    )
    .fetch_optional(pool)
    .await
}

pub async fn live_key_count(pool: &PgPool, owner_id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM api_keys WHERE owner_id = $1 AND disabled_at IS NULL"#,
        owner_id
    )
    .fetch_one(pool)
    .await
}

pub async fn create(
    pool: &PgPool,
    owner_id: i64,
    key_hash: &[u8],
    label: &str,
) -> sqlx::Result<i64> {
    let rec = sqlx::query!(
        "INSERT INTO api_keys (owner_id, key_hash, label) VALUES ($1, $2, $3) RETURNING id",
        owner_id,
        key_hash,
        label
    )
    .fetch_one(pool)
    .await?;
    Ok(rec.id)
}

pub async fn disable(pool: &PgPool, id: i64, owner_id: i64) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "UPDATE api_keys SET disabled_at = now() WHERE id = $1 AND owner_id = $2 AND disabled_at IS NULL",
        id,
        owner_id
    )
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}
