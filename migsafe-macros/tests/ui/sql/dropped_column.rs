use migsafe_runtime::sql;

// legacy_code was dropped by 20240201000000_drop_legacy.sql.
const BY_CODE: &str = sql!("SELECT id FROM orders WHERE legacy_code = $1");

fn main() {
    let _ = BY_CODE;
}
