//! Shop 7.1. None of these queries returns the columns below; they only
//! sort, join, filter, copy or update with them.
use migsafe_runtime::sql;

/// orders.priority: ORDER BY only.
pub const QUEUE: &str = sql!(
    "SELECT id, total_cents FROM orders WHERE customer_id = $1 ORDER BY priority DESC, placed_at"
);

/// customers.vip: JOIN condition only.
pub const VIP_ORDERS: &str = sql!(
    "SELECT o.id, o.total_cents
       FROM orders o
       JOIN customers c ON c.id = o.customer_id AND c.vip
      WHERE c.name = $1"
);

/// customers.region: inside a CTE only.
pub const REGIONAL: &str = sql!(
    "WITH regional AS (SELECT id FROM customers WHERE region = $1)
     SELECT o.id, o.total_cents FROM orders o WHERE o.customer_id IN (SELECT id FROM regional)"
);

/// orders.promo_code: read by INSERT … SELECT.
pub const ARCHIVE: &str = sql!(
    "INSERT INTO order_archive (order_id, customer_id, total_cents, promo_code)
     SELECT id, customer_id, total_cents, promo_code FROM orders WHERE placed_at < $1"
);

/// orders.discount_cents: written by UPDATE … FROM.
pub const VIP_DISCOUNT: &str = sql!(
    "UPDATE orders o SET discount_cents = 500
       FROM customers c
      WHERE c.id = o.customer_id AND c.name = $1 AND o.id = $2"
);
