use migsafe_runtime::event;
use serde::{Deserialize, Serialize};

#[event("orders.v1")]
#[derive(Serialize, Deserialize, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
struct OrderPlaced {
    order_id: i64,
    #[serde(default)]
    note: String,
}

// Only produced: Serialize is enough.
#[migsafe_runtime::event("orders.audit", produces)]
#[derive(Serialize)]
struct Audit {
    id: i64,
}

#[migsafe_runtime::event(payload = "orders.details")]
#[derive(Serialize, Deserialize)]
struct Details {
    gift: bool,
}

fn main() {
    // The attribute leaves the type as it was.
    let e = OrderPlaced { order_id: 7, note: String::new() };
    let _ = (Audit { id: 1 }.id, Details { gift: true }.gift);
    assert_eq!(e, OrderPlaced { order_id: 7, note: String::new() });
}
