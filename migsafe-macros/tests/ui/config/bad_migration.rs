// Built with MIGSAFE_MIGRATIONS_DIR = tests/fixtures/broken, whose second migration does not parse.
use migsafe_runtime::sql;

const NAMES: &str = sql!("SELECT id, name FROM users");

fn main() {
    let _ = NAMES;
}
