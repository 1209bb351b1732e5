use migsafe_runtime::sql;

pub const LEVEL: &str = sql!("SELECT sku, quantity FROM stock WHERE sku = $1");
