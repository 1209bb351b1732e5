//! Fulfilment 2.1.
use sqlx::PgPool;

#[derive(Debug)]
pub struct Shipment {
    pub id: i64,
    pub order_id: i64,
    pub carrier: String,
    pub tracking_no: String,
}

pub async fn create(
    pool: &PgPool,
    order_id: i64,
    carrier: &str,
    tracking_no: &str,
) -> sqlx::Result<i64> {
    let row = sqlx::query!(
        "INSERT INTO shipments (order_id, carrier, tracking_no) VALUES ($1, $2, $3) RETURNING id",
        order_id,
        carrier,
        tracking_no
    )
    .fetch_one(pool)
    .await?;
    Ok(row.id)
}

pub async fn for_order(pool: &PgPool, order_id: i64) -> sqlx::Result<Vec<Shipment>> {
    sqlx::query_as!(
        Shipment,
        "SELECT id, order_id, carrier, tracking_no FROM shipments WHERE order_id = $1 ORDER BY created_at",
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
