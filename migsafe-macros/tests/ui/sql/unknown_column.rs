use migsafe_runtime::sql;

const TOTALS: &str = sql!("SELECT id, totl_cents FROM orders WHERE customer_id = $1");

fn main() {
    let _ = TOTALS;
}
