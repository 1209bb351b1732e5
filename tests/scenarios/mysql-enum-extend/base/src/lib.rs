//! Helpdesk 2.7.
use migsafe_runtime::{sql, SqlEnum, Table};

#[derive(SqlEnum)]
#[migsafe(column = "tickets.priority", rename_all = "snake_case")]
pub enum Priority {
    Low,
    Normal,
    High,
}

#[derive(Table)]
#[migsafe(table = "tickets")]
pub struct Ticket {
    pub id: i32,
    pub subject: String,
    pub priority: Priority,
}

pub const OPEN: &str = sql!("INSERT INTO tickets (subject, priority) VALUES (?, ?)");

pub const QUEUE: &str =
    sql!("SELECT id, subject, priority FROM tickets ORDER BY priority DESC, opened_at");
