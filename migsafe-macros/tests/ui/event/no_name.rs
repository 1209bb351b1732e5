use serde::{Deserialize, Serialize};

#[migsafe_runtime::event]
#[derive(Serialize, Deserialize)]
struct OrderPlaced {
    id: i64,
}

fn main() {}
