use migsafe_runtime::sql;

pub const ADD: &str = sql!("INSERT INTO products (name, price_cents) VALUES (?, ?)");

pub const LIST: &str = sql!("SELECT id, name, price_cents FROM products ORDER BY name");
