use migsafe_runtime::Table;

#[derive(Table)]
#[migsafe(table = "orders")]
pub struct Order {
    pub id: i64,
    pub status: String,
}

fn main() {}
