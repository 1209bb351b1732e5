//! Release 3.4. A key is switched off by the admin console, which sets
//! `disabled`; this service only ever filters on it.
use sqlx::PgPool;

pub struct KeyOwner {
    pub id: i64,
    pub owner_id: i64,
    pub label: String,
}

/// Looks a presented key up by its hash. Disabled keys are never returned.
pub async fn authenticate(pool: &PgPool, key_hash: &[u8]) -> sqlx::Result<Option<KeyOwner>> {
    sqlx::query_as!(
        KeyOwner,
        "SELECT id, owner_id, label FROM api_keys WHERE key_hash = $1 AND NOT disabled",
        key_hash
    )
    .fetch_optional(pool)
    .await
}

/// How many live keys an owner has (the dashboard caps it at ten).
pub async fn live_key_count(pool: &PgPool, owner_id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM api_keys WHERE owner_id = $1 AND disabled = false"#,
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
