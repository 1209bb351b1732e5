//! The events every service of the shop publishes and reads: a crate of
//! shared types with no database of its own.
use serde::{Deserialize, Serialize};

#[migsafe_runtime::event("orders.placed.v1")]
#[derive(Serialize, Deserialize, Debug)]
pub struct OrderPlaced {
    pub id: i64,
    pub total_cents: i64,
    #[serde(default)]
    pub currency: Option<String>,
}
