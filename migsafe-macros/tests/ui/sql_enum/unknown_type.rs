use migsafe_runtime::SqlEnum;

#[derive(SqlEnum)]
#[migsafe(type = "order_stauts", rename_all = "snake_case")]
pub enum OrderStatus {
    Pending,
    Paid,
}

fn main() {}
