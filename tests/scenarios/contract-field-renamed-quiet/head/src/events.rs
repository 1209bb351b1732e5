use serde::{Deserialize, Serialize};

#[migsafe_runtime::event("orders.v1")]
#[derive(Serialize, Deserialize, Debug)]
pub struct OrderPlaced {
    pub id: i64,
    #[serde(rename = "amount", alias = "total")]
    pub total: i64,
}
