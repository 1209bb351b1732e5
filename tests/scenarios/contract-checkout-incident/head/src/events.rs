use serde::{Deserialize, Serialize};

#[migsafe_runtime::event("orders.v1")]
#[derive(Serialize, Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct OrderPlaced {
    pub order_id: i64,
    pub tenant_id: i64,
    pub customer_id: i64,
    pub total_cents: i64,
    pub status: OrderStatus,
}

#[derive(Serialize, Deserialize, Debug)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    Pending,
    AwaitingConfirmation,
    Confirmed,
    Shipped,
    Cancelled,
}
