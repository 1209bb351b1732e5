//! The catalog rows of a small PostgreSQL, MySQL and SQLite schema, and
//! sites that work or do not on it.

use super::*;
use crate::annotations::{EnumDecl, EnumTarget, SqlDecl, TouchRef, TouchesDecl, VariantDecl};
use crate::footprint::Access;
use crate::sources::SourceId;

fn col(schema: &str, table: &str, column: &str, data_type: &str, nullable: bool) -> CatalogColumn {
    CatalogColumn {
        schema: schema.into(),
        table: table.into(),
        view: false,
        column: column.into(),
        data_type: data_type.into(),
        enum_type: None,
        nullable,
        has_default: false,
        identity: false,
        generated: false,
    }
}

fn orders(payment_ref: &str) -> (Vec<CatalogColumn>, Vec<CatalogEnumValue>) {
    let mut id = col("public", "orders", "id", "bigint", false);
    id.identity = true;
    let mut status = col("public", "orders", "status", "order_status", false);
    status.enum_type = Some(("public".into(), "order_status".into()));
    status.has_default = true;
    let columns = vec![
        id,
        col("public", "orders", "customer_id", "bigint", false),
        col("public", "orders", payment_ref, "character varying(64)", true),
        status,
        col("billing", "invoices", "id", "integer", false),
    ];
    let enums =
        ["pending", "paid"].iter().map(|v| CatalogEnumValue { schema: "public".into(), type_name: "order_status".into(), value: v.to_string() }).collect();
    (columns, enums)
}

fn site(line: u32, item: &str, decl: Decl) -> Site {
    Site { file: "src/orders.rs".into(), line, item: item.into(), source: SourceId::Annotation, decl }
}

fn query(line: u32, sql: &str) -> Site {
    site(line, "", Decl::Query(SqlDecl { sql: sql.into(), row: None, schema_typed: false, offline: vec![] }))
}

fn status_enum(values: &[&str]) -> Site {
    let variants = values.iter().map(|v| VariantDecl { variant: v.to_string(), value: Some(v.to_string()), line: 0 }).collect();
    site(
        30,
        "OrderStatus",
        Decl::SqlEnum(EnumDecl { rust_name: "OrderStatus".into(), target: EnumTarget::Type { name: "order_status".into() }, variants, has_other: false }),
    )
}

#[test]
fn builds_the_schema_the_catalog_describes() {
    let (columns, enums) = orders("payment_ref");
    let s = schema_from_catalog(Dialect::Postgres, &columns, &enums);
    assert_eq!(s.tables.keys().collect::<Vec<_>>(), ["billing.invoices", "orders"]);
    let status = s.column("orders", "status").unwrap();
    assert_eq!((status.ty.family, status.ty.user_type.as_deref()), (Family::Enum, Some("order_status")));
    assert_eq!(s.enums["order_status"].values, ["pending", "paid"]);
    assert_eq!(s.column("orders", "payment_ref").unwrap().ty.display(), "character varying(64)");
    assert!(s.column("orders", "customer_id").unwrap().required());
    assert!(!s.column("orders", "id").unwrap().required());
    assert!(!s.column("orders", "status").unwrap().required());
}

#[test]
fn a_matching_footprint_has_no_findings() {
    let (columns, enums) = orders("payment_ref");
    let s = schema_from_catalog(Dialect::Postgres, &columns, &enums);
    let sites = [
        query(3, "SELECT id, payment_ref FROM orders WHERE status = 'paid'"),
        query(4, "INSERT INTO orders (customer_id, payment_ref) VALUES ($1, $2)"),
        query(5, "SELECT id FROM billing.invoices"),
        status_enum(&["pending", "paid"]),
    ];
    let findings = verify(&s, &sites);
    assert!(findings.is_empty(), "{findings:#?}");
}

#[test]
fn a_renamed_column_is_named_with_the_site() {
    let (columns, enums) = orders("payment_reference");
    let s = schema_from_catalog(Dialect::Postgres, &columns, &enums);
    let refs = vec![TouchRef { access: Access::Write, table: "orders".into(), column: "payment_ref".into(), line: 9 }];
    let sites = [query(3, "SELECT id, payment_ref FROM orders"), site(9, "settle", Decl::Touches(TouchesDecl { refs }))];
    let findings = verify(&s, &sites);
    assert_eq!(findings.len(), 2, "{findings:#?}");
    for (f, line) in findings.iter().zip([3, 9]) {
        assert_eq!(f.rule, "head-schema-mismatch");
        assert_eq!((f.table.as_str(), f.column.as_deref()), ("orders", Some("payment_ref")));
        assert_eq!((f.sites[0].file.as_str(), f.sites[0].line), ("src/orders.rs", line));
        assert!(f.message.starts_with("this binary does not work on the live database: no column `payment_ref`"), "{}", f.message);
        assert!(f.message.contains("did you mean `payment_reference`?"), "{}", f.message);
    }
}

#[test]
fn an_undecodable_enum_value_and_a_missing_required_column_are_findings() {
    let (columns, mut enums) = orders("payment_ref");
    enums.push(CatalogEnumValue { schema: "public".into(), type_name: "order_status".into(), value: "refunded".into() });
    let s = schema_from_catalog(Dialect::Postgres, &columns, &enums);
    let findings = verify(&s, &[status_enum(&["pending", "paid"]), query(4, "INSERT INTO orders (payment_ref) VALUES ($1)")]);
    let messages: Vec<&str> = findings.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(findings.len(), 2, "{messages:#?}");
    assert!(messages[0].contains("has a value that `OrderStatus` cannot decode: 'refunded'"), "{}", messages[0]);
    assert!(messages[1].contains("omits `customer_id`, which is NOT NULL without a default"), "{}", messages[1]);
    // A missing enum type says where it looked.
    let s = schema_from_catalog(Dialect::Postgres, &columns, &[]);
    let f = verify(&s, &[status_enum(&["paid"])]);
    assert!(f[0].message.ends_with("no enum type `order_status` in the live database"), "{}", f[0].message);
}

#[test]
fn mysql_inline_enums_and_views() {
    let mut v = col("", "paid_orders", "id", "bigint(20)", true);
    v.view = true;
    let columns = vec![col("", "orders", "id", "bigint(20)", false), col("", "orders", "status", "enum('pending','paid','void')", false), v];
    let s = schema_from_catalog(Dialect::Mysql, &columns, &[]);
    assert!(s.views.contains_key("paid_orders"));
    let e = site(
        2,
        "St",
        Decl::SqlEnum(EnumDecl {
            rust_name: "St".into(),
            target: EnumTarget::Column { table: "orders".into(), column: "status".into() },
            variants: vec![],
            has_other: false,
        }),
    );
    let findings = verify(&s, &[query(1, "SELECT id FROM paid_orders"), e]);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert!(findings[0].message.contains("'pending', 'paid', 'void'"), "{}", findings[0].message);
}
