//! Fulfilment 2.2: delivery confirmation and express shipping.
use chrono::{DateTime, Utc};
use sqlx::PgPool;

#[derive(Debug)]
pub struct Shipment {
    pub id: i64,
    pub order_id: i64,
    pub carrier: String,
    pub tracking_no: String,
    pub service_level: String,
    pub delivered_at: Option<DateTime<Utc>>,
}

pub async fn create(
    pool: &PgPool,
    order_id: i64,
    carrier: &str,
    tracking_no: &str,
    service_level: &str,
) -> sqlx::Result<i64> {
    let row = sqlx::query!(
        "INSERT INTO shipments (order_id, carrier, tracking_no, service_level) VALUES ($1, $2, $3, $4) RETURNING id",
        order_id,
        carrier,
        tracking_no,
        service_level
    )
    .fetch_one(pool)
    .await?;
    Ok(row.id)
}

pub async fn for_order(pool: &PgPool, order_id: i64) -> sqlx::Result<Vec<Shipment>> {
    sqlx::query_as!(
        Shipment,
        "SELECT id, order_id, carrier, tracking_no, service_level, delivered_at
           FROM shipments WHERE order_id = $1 ORDER BY created_at",
        order_id
    )
    .fetch_all(pool)
    .await
}

pub async fn tracking_number(pool: &PgPool, id: i64) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar!("SELECT tracking_no FROM shipments WHERE id = $1", id)
        .fetch_optional(pool)
        .await
}

pub async fn mark_delivered(pool: &PgPool, id: i64, at: DateTime<Utc>) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE shipments SET delivered_at = $1 WHERE id = $2",
        at,
        id
    )
    .execute(pool)
    .await?;
    Ok(())
}
