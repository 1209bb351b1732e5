//! Checkout, release 2.3 (N-1).
use migsafe_runtime::{sql, SqlEnum, Table};

#[derive(SqlEnum)]
#[migsafe(type = "order_status", rename_all = "snake_case")]
pub enum OrderStatus {
    Pending,
    Confirmed,
    Shipped,
    Cancelled,
}

#[derive(Table)]
#[migsafe(table = "orders")]
pub struct OrderRow {
    pub id: i64,
    pub customer_id: i64,
    pub total_cents: i64,
    pub status: OrderStatus,
}

pub const PLACE_ORDER: &str = sql!(
    "INSERT INTO orders (customer_id, total_cents, payment_ref)
     VALUES ($1, $2, $3)
     RETURNING id"
);

pub const BY_COUPON: &str = sql!("SELECT id, total_cents FROM orders WHERE coupon_code = $1");

pub const LIST_FOR_CUSTOMER: &str = sql!(
    "SELECT id, customer_id, total_cents, status
       FROM orders
      WHERE customer_id = $1
      ORDER BY created_at DESC"
);

/// Published on the `orders.v1` topic when an order is placed; the
/// fulfilment service consumes it.
#[migsafe_runtime::event("orders.v1")]
#[derive(serde::Serialize, serde::Deserialize)]
pub struct OrderPlaced {
    pub order_id: i64,
    pub customer_id: i64,
    pub total_cents: i64,
}
