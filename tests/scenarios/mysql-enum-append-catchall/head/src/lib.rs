//! Helpdesk 2.8: agents can escalate a ticket to "urgent".
use migsafe_runtime::{sql, SqlEnum, Table};

#[derive(SqlEnum)]
#[migsafe(column = "tickets.priority", rename_all = "snake_case")]
pub enum Priority {
    Low,
    Normal,
    High,
    Urgent,
}

#[derive(Table)]
#[migsafe(table = "tickets")]
pub struct Ticket {
    pub id: i32,
    pub subject: String,
    pub priority: Priority,
}

pub const OPEN: &str = sql!("INSERT INTO tickets (subject, priority) VALUES (?, ?)");

pub const ESCALATE: &str = sql!("UPDATE tickets SET priority = 'urgent' WHERE id = ?");

pub const QUEUE: &str =
    sql!("SELECT id, subject, priority FROM tickets ORDER BY priority DESC, opened_at");
