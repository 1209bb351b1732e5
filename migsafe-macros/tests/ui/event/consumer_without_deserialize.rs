#[migsafe_runtime::event("orders.v1", consumes)]
#[derive(serde::Serialize)]
enum OrderStatus {
    Placed,
    Paid,
}

fn main() {
    let _ = OrderStatus::Placed;
    let _ = OrderStatus::Paid;
}
