use migsafe_runtime::sql;

const LIST: &str = sql!("SELECT id FROM ordrs");

fn main() {
    let _ = LIST;
}
