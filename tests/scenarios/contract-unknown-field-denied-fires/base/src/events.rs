use serde::{Deserialize, Serialize};

#[migsafe_runtime::event("orders.v1")]
#[derive(Serialize, Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct OrderPlaced {
    pub id: i64,
}
