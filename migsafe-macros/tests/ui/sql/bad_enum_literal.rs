use migsafe_runtime::sql;

// order_status has 'paid', not 'payed'.
const PAY: &str = sql!("UPDATE orders SET status = 'payed' WHERE id = $1");

fn main() {
    let _ = PAY;
}
