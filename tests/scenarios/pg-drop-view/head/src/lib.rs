//! Identity 9.5: an explicit is_active flag replaces the view.
use migsafe_runtime::{sql, Table};

#[derive(Table)]
#[migsafe(table = "accounts")]
pub struct Account {
    pub id: i64,
    pub email: String,
    pub is_active: bool,
}

pub const REGISTER: &str = sql!("INSERT INTO accounts (email) VALUES ($1) RETURNING id");

pub const DEACTIVATE: &str =
    sql!("UPDATE accounts SET deactivated_at = now(), is_active = false WHERE id = $1");

pub const DIRECTORY: &str =
    sql!("SELECT id, email FROM accounts WHERE is_active ORDER BY email");
