//! Support 6.0.
use migsafe_runtime::{sql, SqlEnum, Table};

#[derive(SqlEnum)]
#[migsafe(type = "ticket_state", rename_all = "snake_case")]
pub enum TicketState {
    Open,
    Pending,
    Closed,
}

#[derive(Table)]
#[migsafe(table = "support_tickets")]
pub struct Ticket {
    pub id: i64,
    pub title: String,
    pub state: TicketState,
}

pub const WAIT_FOR_CUSTOMER: &str =
    sql!("UPDATE support_tickets SET state = 'pending' WHERE id = $1");

pub const CLOSE: &str =
    sql!("UPDATE support_tickets SET state = 'closed', closed_at = now() WHERE id = $1");

pub const INBOX: &str =
    sql!("SELECT id, title, state FROM support_tickets WHERE state IN ('open', 'pending')");
