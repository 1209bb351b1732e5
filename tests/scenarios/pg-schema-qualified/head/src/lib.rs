//! Ledger 1.21: invoice amounts are totals (tax included).
use migsafe_runtime::{sql, Table};

#[derive(Table)]
#[migsafe(table = "billing.invoices")]
pub struct Invoice {
    pub id: i64,
    pub customer_id: i64,
    pub total_cents: i64,
}

pub const ISSUE: &str = sql!(
    "INSERT INTO billing.invoices (customer_id, total_cents, due_on) VALUES ($1, $2, $3) RETURNING id"
);

pub const OVERDUE: &str =
    sql!("SELECT id, customer_id, total_cents FROM billing.invoices WHERE due_on < current_date");

pub const LEGACY: &str = sql!("SELECT id, amount_cents, note FROM invoices WHERE id = $1");
