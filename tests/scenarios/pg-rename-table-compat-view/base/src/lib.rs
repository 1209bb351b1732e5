//! Agency 2.9: "customers".
use migsafe_runtime::{sql, Table};

#[derive(Table)]
#[migsafe(table = "customers")]
pub struct Customer {
    pub id: i64,
    pub name: String,
    pub email: String,
}

pub const ADD: &str = sql!("INSERT INTO customers (name, email) VALUES ($1, $2) RETURNING id");

pub const CHANGE_EMAIL: &str = sql!("UPDATE customers SET email = $2 WHERE id = $1");

pub const RECENT: &str =
    sql!("SELECT id, name, email FROM customers ORDER BY created_at DESC LIMIT 50");
