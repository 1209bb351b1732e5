use migsafe_runtime::SqlEnum;

// order_status also has 'cancelled'.
#[derive(SqlEnum)]
#[migsafe(type = "order_status", rename_all = "snake_case")]
pub enum OrderStatus {
    Pending,
    Paid,
    Shipped,
}

fn main() {}
