use serde::{Deserialize, Serialize};

#[migsafe_runtime::event("orders.v1")]
#[derive(Serialize, Deserialize, Debug)]
pub struct OrderPlaced {
    pub id: i64,
    pub total: Money,
}

#[derive(Serialize, Deserialize, Debug)]
pub struct Money(pub i64);
