//! Identity 9.4.
use migsafe_runtime::{sql, Table};

#[derive(Table)]
#[migsafe(table = "accounts")]
pub struct Account {
    pub id: i64,
    pub email: String,
}

pub const REGISTER: &str = sql!("INSERT INTO accounts (email) VALUES ($1) RETURNING id");

pub const DEACTIVATE: &str = sql!("UPDATE accounts SET deactivated_at = now() WHERE id = $1");

/// The admin directory lists active accounts through the view.
pub const DIRECTORY: &str = sql!("SELECT id, email FROM active_accounts ORDER BY email");
