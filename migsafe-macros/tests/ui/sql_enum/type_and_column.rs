use migsafe_runtime::SqlEnum;

#[derive(SqlEnum)]
#[migsafe(type = "order_status", column = "orders.status")]
pub enum OrderStatus {
    Pending,
    #[migsafe(other)]
    Unknown,
}

fn main() {}
