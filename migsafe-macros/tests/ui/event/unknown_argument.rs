use serde::{Deserialize, Serialize};

#[migsafe_runtime::event("orders.v1", publishes)]
#[derive(Serialize, Deserialize)]
struct OrderPlaced {
    id: i64,
}

fn main() {}
