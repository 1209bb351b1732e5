use migsafe_runtime::Table;

#[derive(Table)]
#[migsafe(tabel = "orders")]
pub struct Order {
    pub id: i64,
}

fn main() {}
