use migsafe_runtime::sql;

// shipments.carrier is NOT NULL without a default.
const SHIP: &str = sql!("INSERT INTO shipments (order_id, tracking) VALUES ($1, $2)");

fn main() {
    let _ = SHIP;
}
