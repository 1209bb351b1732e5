//! Checkout 2.3's queries against the database `DATABASE_URL` names, migrated
//! by this release's migrations (`cargo migsafe rehearse` makes a scratch
//! one, and runs these tests again on the schema of the next release).

use checkout::{OrderStatus, BY_COUPON, LIST_FOR_CUSTOMER, PLACE_ORDER};
use migsafe_runtime::SqlEnum;
use postgres::types::{FromSql, Type};
use postgres::{Client, NoTls};

fn db() -> Client {
    let url = std::env::var("DATABASE_URL").expect("DATABASE_URL: these tests need a migrated database (`cargo migsafe rehearse` makes one)");
    Client::connect(&url, NoTls).expect("connect to DATABASE_URL")
}

/// What the server said.
fn why(e: postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{} ({})", db.message(), db.code().code()),
        None => e.to_string(),
    }
}

/// A value read as its text, whatever its type (an enum's label).
struct Label(String);

impl<'a> FromSql<'a> for Label {
    fn from_sql(_: &Type, raw: &'a [u8]) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        Ok(Label(std::str::from_utf8(raw)?.to_string()))
    }
    fn accepts(_: &Type) -> bool {
        true
    }
}

#[test]
fn places_an_order() {
    let mut c = db();
    let row = c.query_one(PLACE_ORDER, &[&23_001_i64, &1_999_i64, &"pay_23001"]).unwrap_or_else(|e| panic!("PLACE_ORDER: {}", why(e)));
    assert!(row.get::<_, i64>(0) > 0);
}

#[test]
fn finds_orders_by_coupon() {
    let mut c = db();
    let rows = c.query(BY_COUPON, &[&"SPRING23"]).unwrap_or_else(|e| panic!("BY_COUPON: {}", why(e)));
    assert!(rows.iter().all(|r| r.get::<_, i64>(1) >= 0));
}

#[test]
fn lists_a_customers_orders() {
    let mut c = db();
    let rows = c.query(LIST_FOR_CUSTOMER, &[&23_003_i64]).unwrap_or_else(|e| panic!("LIST_FOR_CUSTOMER: {}", why(e)));
    for r in rows {
        let Label(status) = r.get(3);
        assert!(OrderStatus::from_sql_value(&status).is_some(), "status `{status}` does not decode");
    }
}

#[test]
fn decodes_every_order_status() {
    let mut c = db();
    let rows = c.query("SELECT unnest(enum_range(NULL::order_status))::text", &[]).unwrap_or_else(|e| panic!("{}", why(e)));
    for r in rows {
        let value: String = r.get(0);
        assert!(OrderStatus::from_sql_value(&value).is_some(), "order_status has `{value}`, which OrderStatus cannot decode");
    }
}
