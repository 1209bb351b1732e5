//! Catalog 0.9 (SQLite): prices can no longer be negative; the old SKU is gone.
use migsafe_runtime::{sql, Table};

#[derive(Table)]
#[migsafe(table = "products")]
pub struct Product {
    pub id: i64,
    pub name: String,
    pub price_cents: i64,
}

pub const ADD: &str = sql!("INSERT INTO products (name, price_cents) VALUES (?, ?)");

pub const LIST: &str = sql!("SELECT id, name, price_cents FROM products ORDER BY name");
