//! CRM 5.2: customers with a free-form phone number.
use migsafe_runtime::{sql, Table};

#[derive(Table)]
#[migsafe(table = "customers")]
pub struct Customer {
    pub id: u64,
    pub full_name: String,
    pub phone: Option<String>,
}

pub const CREATE: &str = sql!("INSERT INTO customers (full_name, phone) VALUES (?, ?)");

pub const BY_NAME: &str =
    sql!("SELECT id, full_name, phone FROM customers WHERE full_name LIKE ? ORDER BY full_name");
