//! The report, the policy and the site conversion, on catalogs written by
//! hand (the drivers are tested against live servers in tests/fidelity).

use super::*;
use crate::{Access, Touch};

fn column(table: &str, name: &str, data_type: &str, nullable: bool) -> CatalogColumn {
    CatalogColumn {
        schema: "public".into(),
        table: table.into(),
        view: false,
        column: name.into(),
        data_type: data_type.into(),
        enum_type: None,
        nullable,
        has_default: false,
        identity: false,
        generated: false,
    }
}

fn catalog(payment_ref: &str) -> Catalog {
    let mut id = column("orders", "id", "bigint", false);
    id.identity = true;
    let mut status = column("orders", "status", "order_status", false);
    status.enum_type = Some(("public".into(), "order_status".into()));
    let columns = vec![id, column("orders", payment_ref, "text", true), status];
    let enums =
        ["pending", "paid"].iter().map(|v| CatalogEnumValue { schema: "public".into(), type_name: "order_status".into(), value: v.to_string() }).collect();
    Catalog { dialect: Dialect::Postgres, columns, enums }
}

const SITES: &[Site] = &[
    Site { item: "", module: "app", file: "src/db.rs", line: 3, decl: Decl::Query { sql: "SELECT id, payment_ref FROM orders" } },
    Site { item: "Order", module: "app", file: "src/db.rs", line: 7, decl: Decl::Table { table: "orders", columns: &["id", "payment_ref"] } },
    Site {
        item: "Status",
        module: "app",
        file: "src/db.rs",
        line: 12,
        decl: Decl::SqlEnum { target: EnumTarget::Type("order_status"), values: &["pending", "paid"], has_other: false },
    },
    Site {
        item: "settle",
        module: "app",
        file: "src/db.rs",
        line: 20,
        decl: Decl::Touches { columns: &[Touch { access: Access::Write, table: "orders", column: "status" }] },
    },
];

#[test]
fn a_compatible_database_passes_under_either_policy() {
    let report = verify_sites(&catalog("payment_ref"), SITES, &[]);
    assert!(report.is_ok(), "{report}");
    assert_eq!(report.to_string(), "migsafe: the 4 sites of this binary work on the live database (1 tables and views)");
    assert!(enforce(report.clone(), Policy::Fail).is_ok());
    assert!(enforce(report, Policy::Warn).is_ok());
}

#[test]
fn a_renamed_column_fails_naming_the_column_and_each_site() {
    let report = verify_sites(&catalog("payment_reference"), SITES, &[]);
    assert!(!report.is_ok());
    let lines: Vec<(&str, u32)> = report.findings.iter().map(|f| (f.column.as_deref().unwrap_or(""), f.sites[0].line)).collect();
    assert_eq!(lines, [("payment_ref", 3), ("payment_ref", 7)]);
    let text = report.to_string();
    assert!(
        text.starts_with(
            "error[head-schema-mismatch]: this binary does not work on the live database: no column `payment_ref` in table `orders`; did you mean `payment_reference`?\n  --> src/db.rs:3\n"
        ),
        "{text}"
    );
    assert!(text.contains("  --> src/db.rs:7 (Order)\n"), "{text}");
    assert!(text.ends_with("migsafe: 2 errors, 4 sites checked against the live database"), "{text}");
    match enforce(report.clone(), Policy::Fail) {
        Err(GuardError::Incompatible(r)) => assert_eq!(r.findings.len(), 2),
        other => panic!("{other:?}"),
    }
    // Warn starts all the same, with the report.
    assert_eq!(enforce(report, Policy::Warn).unwrap().findings.len(), 2);
}

#[test]
fn an_unreadable_site_is_an_error_never_a_pass() {
    let raw = "0:Z1:x\0m\0src/new.rs\x005";
    let undecodable = [Undecodable { raw, error: migsafe_site::decode(raw).unwrap_err() }];
    let report = verify_sites(&catalog("payment_ref"), SITES, &undecodable);
    assert!(report.findings.is_empty());
    assert!(!report.is_ok());
    let text = report.to_string();
    assert!(text.starts_with("error: 1 sites of this binary could not be read: migsafe-macros and migsafe-runtime versions differ?"), "{text}");
    assert!(text.contains("src/new.rs:5: a site migsafe-runtime cannot read"), "{text}");
    assert!(matches!(enforce(report, Policy::Fail), Err(GuardError::Incompatible(_))));
}

#[test]
fn an_enum_value_the_code_cannot_decode_is_an_error() {
    let mut c = catalog("payment_ref");
    c.enums.push(CatalogEnumValue { schema: "public".into(), type_name: "order_status".into(), value: "void".into() });
    let report = verify_sites(&c, SITES, &[]);
    assert_eq!(report.findings.len(), 1, "{report}");
    assert!(report.findings[0].message.contains("'void'"), "{}", report.findings[0].message);
    assert_eq!(report.findings[0].sites[0].line, 12);
}
