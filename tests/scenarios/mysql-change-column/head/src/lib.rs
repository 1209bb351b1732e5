//! CRM 5.3: phone numbers in E.164, marketing consent.
use migsafe_runtime::{sql, Table};

#[derive(Table)]
#[migsafe(table = "customers")]
pub struct Customer {
    pub id: u64,
    pub full_name: String,
    #[migsafe(column = "phone_e164")]
    pub phone: Option<String>,
    pub marketing_opt_in: bool,
}

pub const CREATE: &str =
    sql!("INSERT INTO customers (full_name, phone_e164, marketing_opt_in) VALUES (?, ?, ?)");

pub const BY_NAME: &str = sql!(
    "SELECT id, full_name, phone_e164, marketing_opt_in FROM customers WHERE full_name LIKE ? ORDER BY full_name"
);
