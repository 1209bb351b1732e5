//! The start-up guard (`migsafe_runtime::guard`) against live databases:
//! this test binary's own footprint (checked at compile time against
//! `tests/guard-migrations`) on a scratch database that matches it, and on
//! one where `payment_ref` was renamed by hand. PostgreSQL through
//! tokio-postgres (skipped with a message when the server is unreachable,
//! a failure under `CI`), MariaDB through the `mysql` crate, SQLite through
//! rusqlite.

mod common;

use common::{server_or_skip, Scratch};
use migsafe_core::Dialect;
use migsafe_runtime::guard::{self, GuardError, Policy};
use migsafe_runtime::{sql, SqlEnum};

pub const LIST_PAID: &str = sql!("SELECT id, payment_ref, status FROM orders WHERE status = 'paid'");
pub const PLACE: &str = sql!("INSERT INTO orders (customer_id, payment_ref) VALUES ($1, $2)");

#[derive(SqlEnum)]
#[migsafe(column = "orders.status", rename_all = "snake_case")]
pub enum OrderStatus {
    Pending,
    Paid,
}

const PG_SCHEMA: &str = include_str!("guard-migrations/V1__orders.sql");
const SQLITE_SCHEMA: &str =
    "CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id BIGINT NOT NULL, payment_ref TEXT, status TEXT NOT NULL DEFAULT 'pending');";
const RENAME: &str = "ALTER TABLE orders RENAME COLUMN payment_ref TO payment_reference;";

/// The lines of this file that declare the two queries.
fn query_lines() -> Vec<u32> {
    let source = include_str!("guard.rs");
    let line = |needle: &str| source.lines().position(|l| l.starts_with(needle)).map(|i| i as u32 + 1).unwrap();
    vec![line("pub const LIST_PAID"), line("pub const PLACE")]
}

fn assert_names_the_column_and_sites(report: &guard::Report) {
    assert!(!report.is_ok(), "{report}");
    let mut found: Vec<(String, Option<String>, u32)> = report.findings.iter().map(|f| (f.table.clone(), f.column.clone(), f.sites[0].line)).collect();
    found.sort();
    let expected: Vec<_> = query_lines().into_iter().map(|l| ("orders".to_string(), Some("payment_ref".to_string()), l)).collect();
    assert_eq!(found, expected, "{report}");
    assert!(report.findings.iter().all(|f| f.rule == "head-schema-mismatch" && f.sites[0].file.ends_with("tests/guard.rs")), "{report}");
    let text = report.to_string();
    assert!(text.contains("no column `payment_ref` in table `orders`; did you mean `payment_reference`?"), "{text}");
}

fn pg_url(name: &str) -> String {
    format!("host=127.0.0.1 port=5432 user=postgres dbname={name}")
}

/// `guard` on a scratch PostgreSQL database, through tokio-postgres.
fn pg_guard(scratch: &Scratch, policy: Policy) -> Result<guard::Report, GuardError> {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let (client, connection) = tokio_postgres::connect(&pg_url(scratch.name()), tokio_postgres::NoTls).await.unwrap();
        let conn = tokio::spawn(connection);
        let r = guard::tokio_postgres::guard(&client, policy).await;
        drop(client);
        let _ = conn.await;
        r
    })
}

#[test]
fn postgres_starts_on_a_compatible_database_and_refuses_a_renamed_column() {
    if !server_or_skip(Dialect::Postgres) {
        return;
    }
    assert!(LIST_PAID.starts_with("SELECT") && PLACE.starts_with("INSERT") && OrderStatus::Paid.sql_value() == Some("paid"));
    let mut db = Scratch::new(Dialect::Postgres);
    db.apply(PG_SCHEMA).unwrap();
    let report = pg_guard(&db, Policy::Fail).expect("compatible");
    assert!(report.is_ok() && report.findings.is_empty(), "{report}");
    assert_eq!(report.sites, 3);

    db.apply(RENAME).unwrap();
    match pg_guard(&db, Policy::Fail) {
        Err(GuardError::Incompatible(report)) => assert_names_the_column_and_sites(&report),
        other => panic!("expected the guard to refuse: {other:?}"),
    }
    // Warn: starts, with the same report.
    assert_names_the_column_and_sites(&pg_guard(&db, Policy::Warn).unwrap());

    // A value the enum cannot decode.
    db.apply("ALTER TYPE order_status ADD VALUE 'void';").unwrap();
    db.apply("ALTER TABLE orders RENAME COLUMN payment_reference TO payment_ref;").unwrap();
    let report = pg_guard(&db, Policy::Warn).unwrap();
    assert_eq!(report.findings.len(), 1, "{report}");
    assert!(report.findings[0].message.contains("'void'"), "{report}");
}

#[test]
fn sqlite_starts_on_a_compatible_database_and_refuses_a_renamed_column() {
    let conn = rusqlite::Connection::open_in_memory().unwrap();
    conn.execute_batch(SQLITE_SCHEMA).unwrap();
    let report = guard::rusqlite::guard(&conn, Policy::Fail).expect("compatible");
    assert!(report.is_ok() && report.findings.is_empty(), "{report}");
    conn.execute_batch(RENAME).unwrap();
    match guard::rusqlite::guard(&conn, Policy::Fail) {
        Err(GuardError::Incompatible(report)) => assert_names_the_column_and_sites(&report),
        other => panic!("expected the guard to refuse: {other:?}"),
    }
    // A NOT NULL column without a default the INSERT does not supply.
    conn.execute_batch("ALTER TABLE orders RENAME COLUMN payment_reference TO payment_ref; ALTER TABLE orders ADD COLUMN total INTEGER NOT NULL DEFAULT 0;")
        .unwrap();
    assert!(guard::rusqlite::verify(&conn).unwrap().is_ok());
    conn.execute_batch("CREATE TABLE o2 AS SELECT * FROM orders; DROP TABLE orders; CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id BIGINT NOT NULL, payment_ref TEXT, status TEXT NOT NULL DEFAULT 'pending', total INTEGER NOT NULL);")
        .unwrap();
    let report = guard::rusqlite::verify(&conn).unwrap();
    assert_eq!(report.findings.len(), 1, "{report}");
    assert!(report.findings[0].message.contains("omits `total`, which is NOT NULL without a default"), "{report}");
}

const MYSQL_SCHEMA: &str = "CREATE TABLE orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, customer_id BIGINT NOT NULL, payment_ref VARCHAR(64), status ENUM('pending', 'paid') NOT NULL DEFAULT 'pending');";

/// This file's sites as a MySQL service would declare them (`?` parameters):
/// this test binary's own footprint is PostgreSQL's (`$1`), checked at
/// compile time against `tests/guard-migrations`, so MariaDB's catalog,
/// read by the `mysql` driver, is checked against these instead.
fn mysql_sites() -> Vec<migsafe_core::annotations::Site> {
    use migsafe_core::annotations::{Decl, EnumDecl, EnumTarget, Site, SqlDecl, VariantDecl};
    let lines = query_lines();
    let query = |line: u32, sql: &str| Site {
        file: "tests/guard.rs".into(),
        line,
        item: String::new(),
        source: migsafe_core::sources::SourceId::Annotation,
        decl: Decl::Query(SqlDecl { sql: sql.into(), row: None, schema_typed: false, offline: Vec::new() }),
    };
    let variants = ["pending", "paid"].iter().map(|v| VariantDecl { variant: v.to_string(), value: Some(v.to_string()), line: 20 }).collect();
    vec![
        query(lines[0], "SELECT id, payment_ref, status FROM orders WHERE status = 'paid'"),
        query(lines[1], "INSERT INTO orders (customer_id, payment_ref) VALUES (?, ?)"),
        Site {
            file: "tests/guard.rs".into(),
            line: 19,
            item: "OrderStatus".into(),
            source: migsafe_core::sources::SourceId::Annotation,
            decl: Decl::SqlEnum(EnumDecl {
                rust_name: "OrderStatus".into(),
                target: EnumTarget::Column { table: "orders".into(), column: "status".into() },
                variants,
                has_other: false,
            }),
        },
    ]
}

/// The `mysql` driver's catalog of `conn`, and `mysql_sites` checked against it.
fn mysql_findings(conn: &mut mysql::Conn) -> Vec<migsafe_core::rules::Finding> {
    let catalog = guard::mysql::read_catalog(conn).unwrap();
    assert_eq!(catalog.dialect, Dialect::Mysql);
    let schema = migsafe_core::live::schema_from_catalog(catalog.dialect, &catalog.columns, &catalog.enums);
    migsafe_core::live::verify(&schema, &mysql_sites())
}

#[test]
fn mariadb_catalog_read_by_the_mysql_driver_finds_a_renamed_column_and_an_undecodable_value() {
    if !server_or_skip(Dialect::Mysql) {
        return;
    }
    let mut db = Scratch::new(Dialect::Mysql);
    db.apply(MYSQL_SCHEMA).unwrap();
    let opts = mysql::OptsBuilder::new().ip_or_hostname(Some("127.0.0.1")).tcp_port(3306).user(Some("root")).pass(Some("")).db_name(Some(db.name()));
    let mut conn = mysql::Conn::new(opts).unwrap();
    let found = mysql_findings(&mut conn);
    assert!(found.is_empty(), "{found:#?}");
    let catalog = guard::mysql::read_catalog(&mut conn).unwrap();
    let status = catalog.columns.iter().find(|c| c.column == "status").unwrap();
    assert_eq!((status.data_type.as_str(), status.nullable, status.has_default), ("enum('pending','paid')", false, true));
    assert!(catalog.columns.iter().find(|c| c.column == "id").unwrap().identity);

    db.apply(RENAME).unwrap();
    let found = mysql_findings(&mut conn);
    let mut at: Vec<(Option<&str>, u32)> = found.iter().map(|f| (f.column.as_deref(), f.sites[0].line)).collect();
    at.sort();
    assert_eq!(at, query_lines().into_iter().map(|l| (Some("payment_ref"), l)).collect::<Vec<_>>(), "{found:#?}");
    assert!(found[0].message.contains("no column `payment_ref` in table `orders`; did you mean `payment_reference`?"), "{found:#?}");

    // A value of the inline ENUM the Rust enum cannot decode.
    db.apply("ALTER TABLE orders RENAME COLUMN payment_reference TO payment_ref; ALTER TABLE orders MODIFY status ENUM('pending', 'paid', 'void') NOT NULL DEFAULT 'pending';")
        .unwrap();
    let found = mysql_findings(&mut conn);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].message.contains("'void'"), "{found:#?}");
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(f)
}

#[test]
fn sqlx_postgres_starts_on_a_compatible_database_and_refuses_a_renamed_column() {
    if !server_or_skip(Dialect::Postgres) {
        return;
    }
    let mut db = Scratch::new(Dialect::Postgres);
    db.apply(PG_SCHEMA).unwrap();
    let url = format!("postgres://postgres@127.0.0.1:5432/{}", db.name());
    let guard_on = |policy| {
        block_on(async {
            let pool = sqlx::PgPool::connect(&url).await.unwrap();
            let r = guard::sqlx::postgres::guard(&pool, policy).await;
            pool.close().await;
            r
        })
    };
    let report = guard_on(Policy::Fail).expect("compatible");
    assert!(report.is_ok() && report.findings.is_empty() && report.sites == 3, "{report}");
    db.apply(RENAME).unwrap();
    match guard_on(Policy::Fail) {
        Err(GuardError::Incompatible(report)) => assert_names_the_column_and_sites(&report),
        other => panic!("expected the guard to refuse: {other:?}"),
    }
}

#[test]
fn sqlx_mysql_reads_the_same_catalog_as_the_mysql_driver() {
    if !server_or_skip(Dialect::Mysql) {
        return;
    }
    let mut db = Scratch::new(Dialect::Mysql);
    db.apply(MYSQL_SCHEMA).unwrap();
    db.apply("CREATE VIEW paid AS SELECT id, payment_ref FROM orders WHERE status = 'paid';").unwrap();
    let opts = mysql::OptsBuilder::new().ip_or_hostname(Some("127.0.0.1")).tcp_port(3306).user(Some("root")).pass(Some("")).db_name(Some(db.name()));
    let by_mysql = guard::mysql::read_catalog(&mut mysql::Conn::new(opts).unwrap()).unwrap();
    let url = format!("mysql://root@127.0.0.1:3306/{}", db.name());
    let by_sqlx = block_on(async {
        let pool = sqlx::MySqlPool::connect(&url).await.unwrap();
        let c = guard::sqlx::mysql::read_catalog(&pool).await.unwrap();
        pool.close().await;
        c
    });
    assert_eq!(by_sqlx.columns, by_mysql.columns);
    assert_eq!(by_sqlx.columns.len(), 6, "{:#?}", by_sqlx.columns);
    assert!(by_sqlx.columns.iter().any(|c| c.view && c.table == "paid"), "{:#?}", by_sqlx.columns);
}
