//! Checkout, with a query written before coupons moved to their own table.
use migsafe_runtime::sql;

pub const PLACE_ORDER: &str = sql!("INSERT INTO orders (customer_id, total_cents) VALUES ($1, $2) RETURNING id");

// `orders.coupon_code` was dropped by migrations/20240312141500_payments.sql.
pub const WITH_COUPON: &str = sql!("SELECT id, total_cents FROM orders WHERE coupon_code = $1");
