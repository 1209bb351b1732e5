use serde::{Deserialize, Serialize};

// The attribute sees only what comes after it: the derive must follow it.
#[derive(Serialize, Deserialize)]
#[migsafe_runtime::event("orders.v1")]
struct OrderPlaced {
    id: i64,
}

fn main() {}
