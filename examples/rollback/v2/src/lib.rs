//! Checkout, release 2.4 (N): payment confirmation is asynchronous.
use migsafe_runtime::{sql, SqlEnum, Table};

#[derive(SqlEnum)]
#[migsafe(type = "order_status", rename_all = "snake_case")]
pub enum OrderStatus {
    Pending,
    AwaitingConfirmation,
    Confirmed,
    Shipped,
    Cancelled,
}

#[derive(Table)]
#[migsafe(table = "orders")]
pub struct OrderRow {
    pub id: i64,
    pub tenant_id: i64,
    pub customer_id: i64,
    pub total_cents: i64,
    pub status: OrderStatus,
}

pub const PLACE_ORDER: &str = sql!(
    "INSERT INTO orders (tenant_id, customer_id, total_cents, payment_reference_id, status)
     VALUES ($1, $2, $3, $4, 'awaiting_confirmation')
     RETURNING id"
);

pub const CONFIRM: &str =
    sql!("UPDATE orders SET status = 'confirmed' WHERE id = $1 AND status = 'awaiting_confirmation'");

pub const LIST_FOR_CUSTOMER: &str = sql!(
    "SELECT id, customer_id, total_cents, status
       FROM orders
      WHERE tenant_id = $1 AND customer_id = $2
      ORDER BY created_at DESC"
);

/// Published on the `orders.v1` topic when an order is placed; the
/// fulfilment service consumes it. 2.4 requires the tenant: 2.3's events,
/// and 2.3 publishing again after a rollback, do not carry it.
#[migsafe_runtime::event("orders.v1")]
#[derive(serde::Serialize, serde::Deserialize)]
pub struct OrderPlaced {
    pub order_id: i64,
    pub tenant_id: i64,
    pub customer_id: i64,
    pub total_cents: i64,
}
