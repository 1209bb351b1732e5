use migsafe_runtime::sql;

pub const TOTAL: &str = sql!("SELECT total_cents FROM orders WHERE id = $1");
