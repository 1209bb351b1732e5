//! Device registry 2.7: push tokens live in push_subscriptions.
use chrono::NaiveDateTime;
use sqlx::MySqlPool;

#[derive(Debug, Clone, sqlx::FromRow)]
#[sqlx(rename_all = "camelCase")]
pub struct Device {
    pub id: i32,
    pub owner_id: i32,
    pub device_name: String,
    pub last_seen_at: Option<NaiveDateTime>,
}

pub async fn for_owner(pool: &MySqlPool, owner_id: i32) -> sqlx::Result<Vec<Device>> {
    sqlx::query_as::<_, Device>("SELECT * FROM devices WHERE ownerId = ? ORDER BY lastSeenAt DESC")
        .bind(owner_id)
        .fetch_all(pool)
        .await
}

pub async fn register(pool: &MySqlPool, owner_id: i32, device_name: &str) -> sqlx::Result<u64> {
    let done = sqlx::query("INSERT INTO devices (ownerId, deviceName) VALUES (?, ?)")
        .bind(owner_id)
        .bind(device_name)
        .execute(pool)
        .await?;
    Ok(done.last_insert_id())
}

pub async fn touch(pool: &MySqlPool, id: i32) -> sqlx::Result<()> {
    sqlx::query("UPDATE devices SET lastSeenAt = NOW() WHERE id = ?")
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
#[sqlx(rename_all = "camelCase")]
pub struct PushSubscription {
    pub id: i32,
    pub device_id: i32,
    pub provider: String,
    pub token: String,
}

pub async fn subscriptions(
    pool: &MySqlPool,
    device_id: i32,
) -> sqlx::Result<Vec<PushSubscription>> {
    sqlx::query_as::<_, PushSubscription>(
        "SELECT id, deviceId, provider, token FROM push_subscriptions WHERE deviceId = ?",
    )
    .bind(device_id)
    .fetch_all(pool)
    .await
}

pub async fn subscribe(
    pool: &MySqlPool,
    device_id: i32,
    provider: &str,
    token: &str,
) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO push_subscriptions (deviceId, provider, token) VALUES (?, ?, ?)")
        .bind(device_id)
        .bind(provider)
        .bind(token)
        .execute(pool)
        .await?;
    Ok(())
}
