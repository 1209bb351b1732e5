use migsafe_runtime::Table;

#[derive(Table)]
#[migsafe(table = "orders")]
pub struct Order {
    pub id: i64,
    pub total_cents: i32,
}

fn main() {}
