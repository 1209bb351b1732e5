use serde::{Deserialize, Serialize};

#[migsafe_runtime::event(payload = "details")]
#[derive(Serialize, Deserialize)]
struct Details {
    note: String,
}

fn main() {}
