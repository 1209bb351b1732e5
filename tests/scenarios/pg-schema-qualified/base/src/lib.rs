//! Ledger 1.20.
use migsafe_runtime::{sql, Table};

#[derive(Table)]
#[migsafe(table = "billing.invoices")]
pub struct Invoice {
    pub id: i64,
    pub customer_id: i64,
    pub amount_cents: i64,
}

pub const ISSUE: &str = sql!(
    "INSERT INTO billing.invoices (customer_id, amount_cents, due_on) VALUES ($1, $2, $3) RETURNING id"
);

pub const OVERDUE: &str =
    sql!("SELECT id, customer_id, amount_cents FROM billing.invoices WHERE due_on < current_date");

/// Read-only lookups in the imported monolith invoices (schema public).
pub const LEGACY: &str = sql!("SELECT id, amount_cents, note FROM invoices WHERE id = $1");
