use migsafe_runtime::Table;

#[derive(Table)]
#[migsafe(table = "orders")]
pub struct Order {
    pub id: i64,
    // payment_ref is nullable.
    #[migsafe(column = "payment_ref")]
    pub payment: String,
}

fn main() {}
