// Built with MIGSAFE_MIGRATIONS_DIR pointing at a folder that does not exist.
// The error is the crate's, not an annotation's: it is reported once, on the
// first annotation, however many there are.
use migsafe_runtime::sql;

const LIST: &str = sql!("SELECT id FROM orders");
const COUNT: &str = sql!("SELECT count(*) FROM orders");
const TOTAL: &str = sql!("SELECT sum(total_cents) FROM orders");

fn main() {
    let _ = (LIST, COUNT, TOTAL);
}
