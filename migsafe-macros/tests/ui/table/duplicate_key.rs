use migsafe_runtime::Table;

// A second `table` would silently win; it is an error, as serde makes it.
#[derive(Table)]
#[migsafe(table = "orders")]
#[migsafe(table = "customers")]
pub struct Order {
    pub id: i64,
}

fn main() {}
