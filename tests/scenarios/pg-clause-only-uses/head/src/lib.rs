//! Shop 7.2: no priorities, promotions, VIPs or regions any more.
use migsafe_runtime::sql;

pub const QUEUE: &str =
    sql!("SELECT id, total_cents FROM orders WHERE customer_id = $1 ORDER BY placed_at");

pub const ARCHIVE: &str = sql!(
    "INSERT INTO order_archive (order_id, customer_id, total_cents)
     SELECT id, customer_id, total_cents FROM orders WHERE placed_at < $1"
);
