//! The order events checkout publishes on `orders.v1`. `cargo migsafe
//! check` compares this type with the previous release's: a field the new
//! release requires that the old one does not write, a rename without an
//! alias, a new status the old consumers cannot decode, are findings.
use migsafe_runtime::event;
use serde::{Deserialize, Serialize};

use crate::OrderStatus;

#[event("orders.v1")]
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct OrderPlaced {
    pub order_id: i64,
    pub customer_id: i64,
    pub total_cents: i64,
    pub status: EventStatus,
    /// Added after the first release: defaulted, so this release reads the
    /// events the previous one published (and it ignores the field).
    #[serde(default)]
    pub coupon: Option<String>,
}

/// The status as the event carries it (snake_case strings).
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum EventStatus {
    Pending,
    Confirmed,
    Shipped,
    Cancelled,
}

/// The event's status for a row's (`None` for a value a newer release added).
pub fn event_status(s: OrderStatus) -> Option<EventStatus> {
    Some(match s {
        OrderStatus::Pending => EventStatus::Pending,
        OrderStatus::Confirmed => EventStatus::Confirmed,
        OrderStatus::Shipped => EventStatus::Shipped,
        OrderStatus::Cancelled => EventStatus::Cancelled,
        OrderStatus::Unknown => return None,
    })
}

/// The event for a placed order, as JSON.
pub fn order_placed(order_id: i64, customer_id: i64, total_cents: i64) -> String {
    let e = OrderPlaced { order_id, customer_id, total_cents, status: EventStatus::Pending, coupon: None };
    serde_json::to_string(&e).expect("an OrderPlaced always serializes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wire_form_is_camel_case_and_reads_the_previous_release_s_events() {
        let json = order_placed(7, 3, 1250);
        assert_eq!(json, r#"{"orderId":7,"customerId":3,"totalCents":1250,"status":"pending","coupon":null}"#);
        // The previous release's event had no coupon.
        let old: OrderPlaced = serde_json::from_str(r#"{"orderId":7,"customerId":3,"totalCents":1250,"status":"shipped"}"#).unwrap();
        assert_eq!((old.status, old.coupon), (EventStatus::Shipped, None));
        assert_eq!(event_status(OrderStatus::Unknown), None);
    }
}
