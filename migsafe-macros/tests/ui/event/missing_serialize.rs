use migsafe_runtime::event;

#[event("orders.v1")]
#[derive(serde::Deserialize)]
struct OrderPlaced {
    id: i64,
}

fn main() {
    let _ = std::mem::size_of::<OrderPlaced>();
}
