//! Agency 3.0: "clients".
use migsafe_runtime::{sql, Table};

#[derive(Table)]
#[migsafe(table = "clients")]
pub struct Client {
    pub id: i64,
    pub name: String,
    pub email: String,
}

pub const ADD: &str = sql!("INSERT INTO clients (name, email) VALUES ($1, $2) RETURNING id");

pub const CHANGE_EMAIL: &str = sql!("UPDATE clients SET email = $2 WHERE id = $1");

pub const RECENT: &str =
    sql!("SELECT id, name, email FROM clients ORDER BY created_at DESC LIMIT 50");
