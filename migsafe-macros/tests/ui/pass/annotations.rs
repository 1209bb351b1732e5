// Every annotation kind, used as a service would: they compile, expand to what
// they wrap, and register their footprint.
use migsafe_runtime::{sql, touches, Decl, SqlEnum, Table};

const LIST: &str = sql!("SELECT id, customer_id, total_cents, status FROM orders WHERE status IN ('paid', 'shipped')");
const RAW: &str = sql!(r#"INSERT INTO shipments (order_id, carrier) VALUES ($1, 'dhl') RETURNING "id""#);

pub mod model {
    use migsafe_runtime::{SqlEnum, Table};

    #[derive(Table, Debug)]
    #[migsafe(table = "public.orders")]
    pub struct Order {
        pub id: i64,
        pub customer_id: i64,
        pub total_cents: i64,
        pub status: OrderStatus,
        #[migsafe(column = "payment_ref")]
        pub payment: Option<String>,
        #[migsafe(skip)]
        pub cached: u32,
    }

    #[derive(SqlEnum, Debug, Clone, Copy, PartialEq)]
    #[migsafe(type = "order_status", rename_all = "snake_case")]
    pub enum OrderStatus {
        Pending,
        Paid,
        #[migsafe(rename = "shipped")]
        Sent,
        Cancelled,
        #[migsafe(other)]
        Unknown,
    }

    #[derive(SqlEnum, Debug, PartialEq)]
    #[migsafe(column = "coupons.kind", rename_all = "SCREAMING_SNAKE_CASE")]
    pub enum CouponKind {
        Percent,
        FixedAmount,
    }
}

const SETTLE_LINE: u32 = line!() + 1;
#[touches(read(orders.id, orders.status), write(orders.status))]
fn settle() -> &'static str {
    "settled"
}

struct Repo;

impl Repo {
    #[touches(insert(shipments.order_id, shipments.carrier))]
    fn ship(&self) -> u32 {
        7
    }
}

#[touches(filter(customers.email))]
pub struct EmailIndex;

fn main() {
    use model::{CouponKind, OrderStatus};

    // sql! is the literal itself, usable in const position.
    assert_eq!(LIST, "SELECT id, customer_id, total_cents, status FROM orders WHERE status IN ('paid', 'shipped')");
    assert_eq!(RAW, "INSERT INTO shipments (order_id, carrier) VALUES ($1, 'dhl') RETURNING \"id\"");
    let inline: &'static str = sql!("SELECT email FROM customers");
    assert_eq!(inline, "SELECT email FROM customers");

    assert_eq!(<model::Order as Table>::TABLE, "public.orders");
    assert_eq!(<model::Order as Table>::COLUMNS, ["id", "customer_id", "total_cents", "status", "payment_ref"]);

    assert_eq!(<OrderStatus as SqlEnum>::VALUES, ["pending", "paid", "shipped", "cancelled"]);
    assert!(<OrderStatus as SqlEnum>::HAS_OTHER);
    assert_eq!(OrderStatus::Sent.sql_value(), Some("shipped"));
    assert_eq!(OrderStatus::Unknown.sql_value(), None);
    assert_eq!(OrderStatus::from_sql_value("paid"), Some(OrderStatus::Paid));
    assert_eq!(OrderStatus::from_sql_value("refunded"), Some(OrderStatus::Unknown));
    assert_eq!(CouponKind::from_sql_value("FIXED_AMOUNT"), Some(CouponKind::FixedAmount));
    assert_eq!(CouponKind::from_sql_value("BOGUS"), None);

    assert_eq!(settle(), "settled");
    assert_eq!(Repo.ship(), 7);
    let _ = EmailIndex;

    // The footprint lists every site of this binary.
    let sites: Vec<_> = migsafe_runtime::footprint().collect();
    for s in &sites {
        println!("{s}");
    }
    assert_eq!(sites.len(), 9, "{sites:#?}");
    let kinds = |k: &str| sites.iter().filter(|s| s.decl.kind() == k).count();
    assert_eq!((kinds("query"), kinds("table"), kinds("sql-enum"), kinds("touches")), (3, 1, 2, 3));
    assert!(sites.iter().all(|s| s.file.ends_with("annotations.rs") && s.line > 0));
    // Where a site is, as file!() and line!() say it.
    let settle_site = sites.iter().find(|s| s.item == "settle").expect("the fn's touches site");
    assert_eq!((settle_site.file, settle_site.line), (file!(), SETTLE_LINE));
    assert_eq!(settle_site.module, module_path!());
    let order = sites.iter().find(|s| s.item == "Order").expect("the Table site");
    assert!(order.module.ends_with("::model"), "{}", order.module);
    assert!(matches!(order.decl, Decl::Table { table: "public.orders", .. }));
    let ship = sites.iter().find(|s| s.item == "ship").expect("the method's touches site");
    match ship.decl {
        Decl::Touches { columns } => {
            assert_eq!(columns.len(), 2);
            assert_eq!(columns[1].column, "carrier");
            assert_eq!(columns[1].access, migsafe_runtime::Access::Insert);
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(sites.iter().any(|s| s.item == "EmailIndex"));
    assert!(sites.iter().any(|s| matches!(s.decl, Decl::Query { sql } if sql == LIST)));
}
