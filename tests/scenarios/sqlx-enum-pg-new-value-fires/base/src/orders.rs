//! Orders 6.0.
use sqlx::PgPool;

#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "order_status", rename_all = "lowercase")]
pub enum OrderStatus {
    Pending,
    Paid,
    Shipped,
    Cancelled,
}

#[derive(Debug, sqlx::FromRow)]
pub struct Order {
    pub id: i64,
    pub customer_id: i64,
    pub total_cents: i64,
    pub status: OrderStatus,
}

pub async fn for_customer(pool: &PgPool, customer_id: i64) -> sqlx::Result<Vec<Order>> {
    sqlx::query_as::<_, Order>(
        "SELECT id, customer_id, total_cents, status FROM orders WHERE customer_id = $1 ORDER BY created_at DESC",
    )
    .bind(customer_id)
    .fetch_all(pool)
    .await
}

pub async fn set_status(pool: &PgPool, id: i64, status: OrderStatus) -> sqlx::Result<()> {
    sqlx::query("UPDATE orders SET status = $1 WHERE id = $2")
        .bind(status)
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}
