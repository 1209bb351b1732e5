use migsafe_runtime::SqlEnum;

#[derive(SqlEnum)]
#[migsafe(type = "order_status", rename_all = "Title Case")]
pub enum OrderStatus {
    Pending,
    #[migsafe(other)]
    Unknown,
}

fn main() {}
