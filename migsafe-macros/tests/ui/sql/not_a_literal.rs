use migsafe_runtime::sql;

const TEXT: &str = "SELECT id FROM orders";
const QUERY: &str = sql!(TEXT);

fn main() {
    let _ = QUERY;
}
