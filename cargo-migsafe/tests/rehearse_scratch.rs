//! The rehearsal's scratch database on each engine on the machine
//! (PostgreSQL 127.0.0.1:5432, MariaDB 127.0.0.1:3306, SQLite): made from a
//! server URL, migrated as each migration's tool runs it (in a transaction,
//! or outside one with sqlx's `-- no-transaction`), a failing statement named
//! by file and line, and gone after the drop.

use cargo_migsafe::rehearse::scratch::{DbUrl, Scratch};
use migsafe_core::migrations::{discover, Migration, MigrationSource, SourceFile, TxMode};
use migsafe_core::Dialect;
use mysql::prelude::Queryable;

const PG: &str = "postgres://postgres@127.0.0.1:5432/test";
const MY: &str = "mysql://root@127.0.0.1:3306/test";

fn migrations(files: &[(&str, &str)]) -> Vec<Migration> {
    let src = MigrationSource::new("migrations", files.iter().map(|(p, t)| SourceFile::new(*p, *t)).collect());
    let (ms, diags) = discover(&src);
    assert!(diags.is_empty(), "{diags:?}");
    ms
}

fn name(engine: &str) -> String {
    format!("migsafe_rehearse_t{engine}_{}", std::process::id())
}

/// The tables of the database `url` names (for SQLite, of its file).
fn tables(dialect: Dialect, url: &str) -> Vec<String> {
    let mut t: Vec<String> = match dialect {
        Dialect::Postgres => {
            let mut c = postgres::Client::connect(url, postgres::NoTls).unwrap();
            c.query("SELECT tablename::text FROM pg_tables WHERE schemaname = 'public'", &[]).unwrap().iter().map(|r| r.get(0)).collect()
        }
        Dialect::Mysql => mysql::Conn::new(mysql::Opts::from_url(url).unwrap()).unwrap().query("SHOW TABLES").unwrap(),
        Dialect::Sqlite => {
            let c = rusqlite::Connection::open(url.trim_start_matches("sqlite://")).unwrap();
            let mut s = c.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").unwrap();
            let names = s.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
            names
        }
    };
    t.sort();
    t
}

/// `_sqlx_migrations`: version, checksum in hex, description, of the successful rows.
fn sqlx_records(dialect: Dialect, url: &str) -> Vec<(i64, String, String)> {
    match dialect {
        Dialect::Postgres => {
            let mut c = postgres::Client::connect(url, postgres::NoTls).unwrap();
            let rows = c.query("SELECT version, encode(checksum, 'hex'), description FROM _sqlx_migrations WHERE success ORDER BY version", &[]).unwrap();
            rows.iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect()
        }
        Dialect::Mysql => mysql::Conn::new(mysql::Opts::from_url(url).unwrap())
            .unwrap()
            .query("SELECT version, LOWER(HEX(checksum)), description FROM _sqlx_migrations WHERE success ORDER BY version")
            .unwrap(),
        Dialect::Sqlite => {
            let c = rusqlite::Connection::open(url.trim_start_matches("sqlite://")).unwrap();
            let mut s = c.prepare("SELECT version, lower(hex(checksum)), description FROM _sqlx_migrations WHERE success ORDER BY version").unwrap();
            let rows = s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(Result::unwrap).collect();
            rows
        }
    }
}

fn exists(dialect: Dialect, name: &str, url: &str) -> bool {
    match dialect {
        Dialect::Postgres => {
            let mut c = postgres::Client::connect(PG, postgres::NoTls).unwrap();
            !c.query("SELECT 1 FROM pg_database WHERE datname = $1", &[&name]).unwrap().is_empty()
        }
        Dialect::Mysql => {
            let mut c = mysql::Conn::new(mysql::Opts::from_url(MY).unwrap()).unwrap();
            let found: Vec<String> = c.exec("SELECT schema_name FROM information_schema.schemata WHERE schema_name = ?", (name,)).unwrap();
            !found.is_empty()
        }
        Dialect::Sqlite => std::path::Path::new(url.trim_start_matches("sqlite://")).exists(),
    }
}

/// Apply a good migration, then one whose second statement fails; the
/// failure names the file and line, and (where DDL is transactional) the
/// failed migration's first statement is rolled back. Dropped: gone.
fn drill(server: &str, engine: &str) {
    let url = DbUrl::parse(server).unwrap();
    let dialect = url.dialect;
    let name = name(engine);
    let mut s = Scratch::create(&url, &name).unwrap();
    let scratch_url = s.url.clone();
    assert!(exists(dialect, &name, &scratch_url));
    let ms = migrations(&[
        ("1_orders.sql", "CREATE TABLE orders (id INT PRIMARY KEY, label TEXT);\nINSERT INTO orders VALUES (1, 'a');\n"),
        ("2_bad.sql", "CREATE TABLE audit (id INT);\n\nALTER TABLE nowhere ADD COLUMN x INT;\n"),
    ]);
    assert_eq!(ms[0].transaction, TxMode::Wrapped);
    s.apply(dialect, &ms[0]).unwrap();
    let e = s.apply(dialect, &ms[1]).unwrap_err().to_string();
    assert!(e.starts_with("migrations/2_bad.sql:3: "), "{e}");
    assert!(e.contains("nowhere"), "{e}");
    let expected: &[&str] = match dialect {
        // MySQL commits each DDL statement: the first one stays, as with the tool itself.
        Dialect::Mysql => &["_sqlx_migrations", "audit", "orders"],
        _ => &["_sqlx_migrations", "orders"],
    };
    s.disconnect();
    assert_eq!(tables(dialect, &scratch_url), expected);
    // sqlx's record of the one it applied: the version and the SHA-384 of the
    // file (`sha384sum` of 1_orders.sql's text), as sqlx's migrator compares them.
    assert_eq!(
        sqlx_records(dialect, &scratch_url),
        [(1, "9f2ddb3b117c09fd6cd3839f9ec361f0b54c559a07d59ea93c399f7100fdf55e1c07b2718a7e1131ea7d5e0978c13a17".to_string(), "orders".to_string())]
    );
    drop(s);
    assert!(!exists(dialect, &name, &scratch_url), "{name} is left after the drop");
}

#[test]
fn postgres_scratch_database() {
    drill(PG, "pg");
}

#[test]
fn mariadb_scratch_database() {
    drill(MY, "my");
}

#[test]
fn sqlite_scratch_file() {
    drill("sqlite://app.db", "lite");
}

/// `__diesel_schema_migrations`: the versions recorded, in order.
fn diesel_versions(dialect: Dialect, url: &str) -> Vec<String> {
    let q = "SELECT version FROM __diesel_schema_migrations ORDER BY version";
    match dialect {
        Dialect::Postgres => postgres::Client::connect(url, postgres::NoTls).unwrap().query(q, &[]).unwrap().iter().map(|r| r.get(0)).collect(),
        Dialect::Mysql => mysql::Conn::new(mysql::Opts::from_url(url).unwrap()).unwrap().query(q).unwrap(),
        Dialect::Sqlite => {
            let c = rusqlite::Connection::open(url.trim_start_matches("sqlite://")).unwrap();
            let mut s = c.prepare(q).unwrap();
            let rows = s.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
            rows
        }
    }
}

/// diesel's migrations are recorded as diesel's harness records them, so a
/// test that runs `run_pending_migrations` on the scratch database finds
/// nothing pending; on every engine.
#[test]
fn diesel_migrations_are_recorded_as_diesel_records_them() {
    for (server, engine) in [(PG, "pgdiesel"), (MY, "mydiesel"), ("sqlite://app.db", "litediesel")] {
        let url = DbUrl::parse(server).unwrap();
        let dialect = url.dialect;
        let mut s = Scratch::create(&url, &name(engine)).unwrap();
        let scratch_url = s.url.clone();
        let ms = migrations(&[
            ("00000000000000_diesel_initial_setup/up.sql", "CREATE TABLE setup_done (id INT);"),
            ("2023-11-02-101500_orders/up.sql", "CREATE TABLE orders (id INT PRIMARY KEY, label TEXT);"),
            ("2023-11-02-101500_orders/down.sql", "DROP TABLE orders;"),
        ]);
        assert!(ms.iter().all(|m| m.tool.id() == "diesel"), "{ms:?}");
        for m in &ms {
            s.apply(dialect, m).unwrap();
        }
        s.disconnect();
        assert_eq!(diesel_versions(dialect, &scratch_url), ["00000000000000", "20231102101500"], "{engine}");
        assert_eq!(tables(dialect, &scratch_url), ["__diesel_schema_migrations", "orders", "setup_done"], "{engine}");
    }
}

#[test]
fn a_no_transaction_migration_runs_outside_one() {
    let url = DbUrl::parse(PG).unwrap();
    let mut s = Scratch::create(&url, &name("pgtx")).unwrap();
    let ms = migrations(&[
        ("1_t.sql", "CREATE TABLE t (id INT);"),
        // PostgreSQL refuses CONCURRENTLY inside a transaction block.
        ("2_idx.sql", "-- no-transaction\nCREATE INDEX CONCURRENTLY t_id ON t (id);\nCREATE INDEX CONCURRENTLY t_id2 ON t (id);\n"),
        ("3_wrapped.sql", "CREATE INDEX CONCURRENTLY t_id3 ON t (id);"),
    ]);
    assert_eq!(ms[1].transaction, TxMode::Outside);
    s.apply(Dialect::Postgres, &ms[0]).unwrap();
    s.apply(Dialect::Postgres, &ms[1]).unwrap();
    let e = s.apply(Dialect::Postgres, &ms[2]).unwrap_err().to_string();
    assert!(e.contains("cannot run inside a transaction block"), "{e}");
}

#[test]
fn an_engine_the_url_does_not_name_is_an_error() {
    assert!(DbUrl::parse("oracle://h/db").unwrap_err().to_string().contains("oracle://h/db"));
    let e = Scratch::create(&DbUrl::parse("postgres://postgres@127.0.0.1:1/test").unwrap(), "x").err().unwrap().to_string();
    assert!(e.starts_with("cannot connect to postgres://postgres@127.0.0.1:1/postgres"), "{e}");
}
