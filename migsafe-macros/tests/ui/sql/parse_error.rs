use migsafe_runtime::sql;

const BROKEN: &str = sql!("SELECT id FROM orders WHERE");

fn main() {
    let _ = BROKEN;
}
