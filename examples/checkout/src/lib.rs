//! Checkout: an example service whose SQL migsafe checks at compile time
//! against `migrations/`.
use migsafe_runtime::{sql, touches, SqlEnum, Table};

pub mod events;

pub mod model {
    use migsafe_runtime::{SqlEnum, Table};

    #[derive(Table, Debug)]
    #[migsafe(table = "orders")]
    pub struct Order {
        pub id: i64,
        pub customer_id: i64,
        pub total_cents: i64,
        pub status: OrderStatus,
    }

    #[derive(SqlEnum, Debug, Clone, Copy, PartialEq, Eq)]
    #[migsafe(type = "order_status", rename_all = "snake_case")]
    pub enum OrderStatus {
        Pending,
        Confirmed,
        Shipped,
        Cancelled,
        /// A value a newer release added: decoded, not acted on.
        #[migsafe(other)]
        Unknown,
    }
}

pub use model::{Order, OrderStatus};

pub const PLACE_ORDER: &str = sql!(
    "INSERT INTO orders (customer_id, total_cents) VALUES ($1, $2) RETURNING id"
);

pub const CONFIRM: &str = sql!("UPDATE orders SET status = 'confirmed' WHERE id = $1 AND status = 'pending'");

pub const LIST_FOR_CUSTOMER: &str = sql!(
    "SELECT id, customer_id, total_cents, status
       FROM orders
      WHERE customer_id = $1
      ORDER BY created_at DESC"
);

pub const RECORD_PAYMENT: &str = sql!("INSERT INTO payments (order_id, amount_cents, payment_ref) VALUES ($1, $2, $3)");

/// Payments are captured by a job that builds its SQL at run time; it declares what it touches.
#[touches(read(payments.id, payments.order_id), write(payments.captured_at), filter(payments.provider))]
pub fn capture_pending(provider: &str) -> String {
    format!("UPDATE payments SET captured_at = now() WHERE provider = '{provider}' AND captured_at IS NULL")
}

/// The columns `Order` decodes, for a hand-written SELECT.
pub fn order_columns() -> String {
    <Order as Table>::COLUMNS.join(", ")
}

/// Decode a status as the database sends it.
pub fn parse_status(value: &str) -> OrderStatus {
    OrderStatus::from_sql_value(value).unwrap_or(OrderStatus::Unknown)
}
