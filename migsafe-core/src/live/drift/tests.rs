//! Drift on hand-made catalog rows: a PostgreSQL schema with an enum type,
//! a default and an index, as the migrations make it and as it drifted.

use super::*;
use crate::live::{CatalogColumn, CatalogDefault, CatalogEnumValue, CatalogIndex, LiveCatalog};
use crate::migrations::{MigrationSource, SourceFile};
use crate::schema::analyze;

const V1: &str = "CREATE TYPE order_status AS ENUM ('pending', 'paid');
CREATE TABLE orders (
    id BIGSERIAL PRIMARY KEY,
    status order_status NOT NULL DEFAULT 'pending',
    note VARCHAR(64)
);";
const V2: &str = "ALTER TYPE order_status ADD VALUE 'refunded';
CREATE INDEX orders_status_idx ON orders (status);";

fn history() -> History {
    analyze(Dialect::Postgres, &MigrationSource::new("migrations", vec![SourceFile::new("V1__orders.sql", V1), SourceFile::new("V2__refunds.sql", V2)]))
}

fn col(column: &str, data_type: &str, nullable: bool) -> CatalogColumn {
    CatalogColumn {
        schema: "public".into(),
        table: "orders".into(),
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

/// The catalog of a database the two migrations built.
fn migrated() -> LiveCatalog {
    let mut id = col("id", "bigint", false);
    (id.identity, id.has_default) = (true, true);
    let mut status = col("status", "order_status", false);
    status.enum_type = Some(("public".into(), "order_status".into()));
    status.has_default = true;
    LiveCatalog {
        dialect: Dialect::Postgres,
        columns: vec![id, status, col("note", "character varying(64)", true)],
        enums: ["pending", "paid", "refunded"]
            .iter()
            .map(|v| CatalogEnumValue { schema: "public".into(), type_name: "order_status".into(), value: v.to_string() })
            .collect(),
        indexes: vec![
            CatalogIndex {
                schema: "public".into(),
                table: "orders".into(),
                name: "orders_pkey".into(),
                columns: vec!["id".into()],
                unique: true,
                primary: true,
            },
            CatalogIndex {
                schema: "public".into(),
                table: "orders".into(),
                name: "orders_status_idx".into(),
                columns: vec!["status".into()],
                unique: false,
                primary: false,
            },
        ],
        defaults: vec![
            CatalogDefault { schema: "public".into(), table: "orders".into(), column: "id".into(), expression: "nextval('orders_id_seq'::regclass)".into() },
            CatalogDefault { schema: "public".into(), table: "orders".into(), column: "status".into(), expression: "'pending'::order_status".into() },
        ],
    }
}

#[test]
fn the_database_the_migrations_built_has_no_drift() {
    let found = drift(&history(), &migrated());
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn each_hand_made_change_is_found_with_the_migration_that_should_have_made_it() {
    let mut live = migrated();
    live.enums.retain(|v| v.value != "refunded");
    live.indexes.retain(|i| i.name != "orders_status_idx");
    live.columns[2].nullable = false;
    live.columns[2].data_type = "text".into();
    live.defaults.retain(|d| d.column != "status");
    let found = drift(&history(), &live);
    let got: Vec<(String, Option<MigrationRef>)> = found.iter().map(|f| (f.message.clone(), f.migration.clone())).collect();
    let at = |file: &str, line| Some(MigrationRef { file: file.into(), line });
    let expect = [
        ("column `orders.note`: the migrations make it character varying(64) but the live database has text", at("migrations/V1__orders.sql", 2)),
        ("column `orders.note` is nullable in the migrations", at("migrations/V1__orders.sql", 2)),
        ("column `orders.status` has DEFAULT 'pending' in the migrations", at("migrations/V1__orders.sql", 2)),
        (
            "enum type `order_status` lacks the value 'refunded' in the live database (added by migrations/V2__refunds.sql:1)",
            at("migrations/V2__refunds.sql", 1),
        ),
        ("index `orders_status_idx` on `orders` (status)", at("migrations/V2__refunds.sql", 2)),
    ];
    assert_eq!(got.len(), expect.len(), "{got:#?}");
    for (g, (m, a)) in got.iter().zip(expect) {
        assert!(g.0.starts_with(m), "{} !~ {m}", g.0);
        assert_eq!(g.1, a, "{}", g.0);
    }
}

#[test]
fn defaults_compare_without_casts_quotes_and_spellings_of_now() {
    assert_eq!(normalize_default("'pending'::order_status"), normalize_default("'pending'"));
    assert_eq!(normalize_default("CURRENT_TIMESTAMP"), normalize_default("now()"));
    assert_eq!(normalize_default("('0')"), "0");
    assert_eq!(normalize_default("TRUE"), normalize_default("1"));
    assert_ne!(normalize_default("'a'"), normalize_default("'b'"));
    assert_ne!(normalize_default("'Pending'"), normalize_default("'pending'"));
    assert_eq!(normalize_default("'Pending'::TEXT"), "'Pending'");
    assert_eq!(normalize_default("'x'::character varying(3)"), "'x'");
    assert_eq!(normalize_default("'{}'::text[]"), "'{}'");
    assert_eq!(normalize_default("nextval('t_id_seq'::regclass)"), "nextval('t_id_seq')");
    assert_eq!(normalize_default("(0)::numeric(12,2)"), "0");
}

#[test]
fn a_difference_on_a_table_an_unreadable_statement_names_says_so() {
    let v3 = "ALTER TABLE orders FROBNICATE COLUMN note;";
    let src = MigrationSource::new(
        "migrations",
        vec![SourceFile::new("V1__orders.sql", V1), SourceFile::new("V2__refunds.sql", V2), SourceFile::new("V3__odd.sql", v3)],
    );
    let h = analyze(Dialect::Postgres, &src);
    let mut live = migrated();
    live.columns.retain(|c| c.column != "note");
    let found = drift(&h, &live);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].message.contains("migrations/V3__odd.sql:1, which migsafe cannot parse, names `orders`"), "{}", found[0].message);
}
