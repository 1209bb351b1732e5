// Built with MIGSAFE_MIGRATIONS_DIR pointing at a folder that does not exist.
use migsafe_runtime::sql;

const LIST: &str = sql!("SELECT id FROM orders");

fn main() {
    let _ = LIST;
}
