use migsafe_runtime::Table;

#[derive(Table)]
pub struct Order {
    pub id: i64,
}

fn main() {}
