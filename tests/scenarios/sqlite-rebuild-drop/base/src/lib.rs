//! Catalog 0.8 (SQLite): still shows the SKU from the old shop system.
use migsafe_runtime::{sql, Table};

#[derive(Table)]
#[migsafe(table = "products")]
pub struct Product {
    pub id: i64,
    pub name: String,
    pub legacy_sku: Option<String>,
    pub price_cents: i64,
}

pub const ADD: &str =
    sql!("INSERT INTO products (name, legacy_sku, price_cents) VALUES (?, ?, ?)");

pub const LIST: &str = sql!("SELECT id, name, legacy_sku, price_cents FROM products ORDER BY name");
