use migsafe_runtime::SqlEnum;

#[derive(SqlEnum)]
#[migsafe(type = "order_status", rename_all = "snake_case")]
pub enum OrderStatus {
    Pending,
    Paid { amount_cents: i64 },
    #[migsafe(other)]
    Unknown,
}

fn main() {
    // The impl is still generated: no cascade.
    let _ = <OrderStatus as migsafe_runtime::SqlEnum>::VALUES;
}
