// Built with MIGSAFE_MIGRATIONS_DIR = tests/fixtures/broken, whose second
// migration has a statement that does not parse. That alone does not stop the
// build (an applied migration the parser cannot read must not block a crate
// forever; `cargo migsafe check` reports a pending one), but code that needs
// what the statement would have done is an error that points at it.
use migsafe_runtime::sql;

const NAMES: &str = sql!("SELECT id, name FROM users");
const NICKNAMES: &str = sql!("SELECT id, nickname FROM users");

fn main() {
    let _ = (NAMES, NICKNAMES);
}
