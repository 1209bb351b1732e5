use migsafe_runtime::Table;

#[derive(Table)]
#[migsafe(table = "orders")]
pub struct Order {
    pub id: i64,
    pub totl_cents: i64,
}

fn main() {}
