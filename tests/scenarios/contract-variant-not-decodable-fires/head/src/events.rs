use serde::{Deserialize, Serialize};

#[migsafe_runtime::event(payload = "orders.details")]
#[derive(Serialize, Deserialize, Debug)]
pub struct Details {
    pub status: Status,
    pub gift: bool,
}

#[derive(Serialize, Deserialize, Debug)]
pub enum Status {
    Placed,
    Paid,
    Refunded,
}
