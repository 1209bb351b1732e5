use migsafe_runtime::SqlEnum;

#[derive(SqlEnum)]
#[migsafe(type = "order_status", rename_all = "snake_case")]
pub enum OrderStatus {
    Pending,
    Paid,
    Shiped,
    Cancelled,
}

fn main() {}
