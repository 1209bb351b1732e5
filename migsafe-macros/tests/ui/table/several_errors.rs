use migsafe_runtime::Table;

// Every problem is reported at once, each on its field; the trait impl is
// still generated, so code using it adds no errors of its own.
#[derive(Table)]
#[migsafe(table = "orders")]
pub struct Order {
    pub id: i64,
    pub totl_cents: i64,
    pub payment_ref: String,
    pub customer_id: i32,
    pub legacy_code: Option<String>,
}

fn main() {
    let _ = <Order as migsafe_runtime::Table>::COLUMNS;
}
