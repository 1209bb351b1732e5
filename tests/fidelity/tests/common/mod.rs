//! Shared by the fidelity tests: scratch databases on the live servers, the
//! engine's catalog, and the comparison with the model's.

#![allow(dead_code)]

use migsafe_core::schema::{analyze, Catalog, CatalogColumn, History};
use migsafe_core::Dialect;
use migsafe_fidelity::{read_source, BOOKKEEPING_TABLES};
use mysql::prelude::Queryable;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

const PG_ADMIN: &str = "host=127.0.0.1 port=5432 user=postgres dbname=test";
const MYSQL_HOST: &str = "127.0.0.1";
const MYSQL_PORT: u16 = 3306;

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A unique scratch name: tests of one process run in parallel, and several
/// processes may share the servers.
fn scratch_name() -> String {
    format!("migsafe_fid_{}_{}", std::process::id(), COUNTER.fetch_add(1, Ordering::SeqCst))
}

enum Conn {
    Pg(postgres::Client),
    My(mysql::Conn),
    Lite(rusqlite::Connection),
}

/// A database created for one test; dropped (or deleted) when this goes out
/// of scope, also when the test panics.
pub struct Scratch {
    dialect: Dialect,
    name: String,
    sqlite_path: Option<PathBuf>,
    conn: Option<Conn>,
}

fn mysql_opts(db: Option<&str>) -> mysql::Opts {
    mysql::OptsBuilder::new().ip_or_hostname(Some(MYSQL_HOST)).tcp_port(MYSQL_PORT).user(Some("root")).pass(Some("")).db_name(db).into()
}

impl Scratch {
    pub fn new(dialect: Dialect) -> Scratch {
        let name = scratch_name();
        match dialect {
            Dialect::Postgres => {
                let mut admin = postgres::Client::connect(PG_ADMIN, postgres::NoTls).expect("connect to PostgreSQL at 127.0.0.1:5432");
                admin.batch_execute(&format!("CREATE DATABASE {name}")).expect("create scratch database");
                let mut s = Scratch { dialect, name: name.clone(), sqlite_path: None, conn: None };
                let conn = postgres::Client::connect(&format!("host=127.0.0.1 port=5432 user=postgres dbname={name}"), postgres::NoTls)
                    .expect("connect to scratch database");
                s.conn = Some(Conn::Pg(conn));
                s
            }
            Dialect::Mysql => {
                let mut admin = mysql::Conn::new(mysql_opts(None)).expect("connect to MySQL/MariaDB at 127.0.0.1:3306");
                admin.query_drop(format!("CREATE DATABASE {name}")).expect("create scratch database");
                let mut s = Scratch { dialect, name: name.clone(), sqlite_path: None, conn: None };
                s.conn = Some(Conn::My(mysql::Conn::new(mysql_opts(Some(&name))).expect("connect to scratch database")));
                s
            }
            Dialect::Sqlite => {
                let path = std::env::temp_dir().join(format!("{name}.sqlite3"));
                let _ = std::fs::remove_file(&path);
                let mut s = Scratch { dialect, name, sqlite_path: Some(path.clone()), conn: None };
                s.conn = Some(Conn::Lite(rusqlite::Connection::open(&path).expect("open scratch SQLite file")));
                s
            }
        }
    }

    /// Run one migration script as a whole, as the migration tool does.
    pub fn apply(&mut self, script: &str) -> Result<(), String> {
        match self.conn.as_mut().expect("connection is open") {
            Conn::Pg(c) => c.batch_execute(script).map_err(|e| match e.as_db_error() {
                Some(db) => format!("{}: {}", db.code().code(), db.message()),
                None => e.to_string(),
            }),
            // Walk every result set: `query_drop` would swallow the error of
            // a statement after the first one.
            Conn::My(c) => (|| -> mysql::Result<()> {
                let mut result = c.query_iter(script)?;
                while let Some(set) = result.iter() {
                    for row in set {
                        row?;
                    }
                }
                Ok(())
            })()
            .map_err(|e| e.to_string()),
            Conn::Lite(c) => c.execute_batch(script).map_err(|e| e.to_string()),
        }
    }

    /// The base tables and their columns as the engine's catalog shows them,
    /// bookkeeping tables left out (SQLite: `PRAGMA table_xinfo`, which also
    /// lists generated columns, as information_schema does). MySQL and SQLite names are folded to
    /// lower case, as the model folds them (both compare them case-blind).
    pub fn catalog(&mut self) -> Catalog {
        let mut cat: Catalog = BTreeMap::new();
        match self.conn.as_mut().expect("connection is open") {
            Conn::Pg(c) => {
                let tables = c
                    .query(
                        "SELECT table_schema, table_name FROM information_schema.tables \
                         WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')",
                        &[],
                    )
                    .expect("read information_schema.tables");
                for r in tables {
                    let (schema, table): (String, String) = (r.get(0), r.get(1));
                    cat.insert(pg_key(&schema, &table), BTreeMap::new());
                }
                let rows = c
                    .query(
                        "SELECT c.table_schema, c.table_name, c.column_name, c.data_type, c.is_nullable \
                         FROM information_schema.columns c JOIN information_schema.tables t \
                           ON t.table_schema = c.table_schema AND t.table_name = c.table_name \
                         WHERE t.table_type = 'BASE TABLE' AND c.table_schema NOT IN ('pg_catalog', 'information_schema')",
                        &[],
                    )
                    .expect("read information_schema.columns");
                for r in rows {
                    let (schema, table, column, ty, nullable): (String, String, String, String, String) = (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4));
                    cat.entry(pg_key(&schema, &table)).or_default().insert(column, CatalogColumn { data_type: ty, nullable: nullable == "YES" });
                }
            }
            Conn::My(c) => {
                let tables: Vec<String> = c
                    .query("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'")
                    .expect("read information_schema.TABLES");
                for t in tables {
                    cat.insert(t.to_lowercase(), BTreeMap::new());
                }
                let rows: Vec<(String, String, String, String)> = c
                    .query(
                        "SELECT c.TABLE_NAME, c.COLUMN_NAME, c.DATA_TYPE, c.IS_NULLABLE \
                         FROM information_schema.COLUMNS c JOIN information_schema.TABLES t \
                           ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME \
                         WHERE c.TABLE_SCHEMA = DATABASE() AND t.TABLE_TYPE = 'BASE TABLE'",
                    )
                    .expect("read information_schema.COLUMNS");
                for (table, column, ty, nullable) in rows {
                    cat.entry(table.to_lowercase()).or_default().insert(column.to_lowercase(), CatalogColumn { data_type: ty, nullable: nullable == "YES" });
                }
            }
            Conn::Lite(c) => {
                let tables: Vec<String> = {
                    let mut st = c.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").expect("read sqlite_master");
                    st.query_map([], |r| r.get(0)).expect("read sqlite_master").collect::<Result<_, _>>().expect("read sqlite_master")
                };
                for t in tables {
                    // `table_xinfo` is `table_info` plus generated columns
                    // (hidden 2 and 3); hidden 1 are virtual tables' hidden columns.
                    let mut st = c.prepare("SELECT name, type, \"notnull\" FROM pragma_table_xinfo(?1) WHERE hidden <> 1").expect("read table_xinfo");
                    let cols: BTreeMap<String, CatalogColumn> = st
                        .query_map([&t], |r| {
                            let (name, ty, notnull): (String, String, i64) = (r.get(0)?, r.get(1)?, r.get(2)?);
                            Ok((name.to_lowercase(), CatalogColumn { data_type: ty, nullable: notnull == 0 }))
                        })
                        .expect("read table_info")
                        .collect::<Result<_, _>>()
                        .expect("read table_info");
                    cat.insert(t.to_lowercase(), cols);
                }
            }
        }
        without_bookkeeping(cat)
    }
}

impl Scratch {
    /// PostgreSQL only: each index (constraint indexes included) and its table, keyed as the model keys them.
    pub fn pg_indexes(&mut self) -> BTreeMap<String, String> {
        let Some(Conn::Pg(c)) = self.conn.as_mut() else { return BTreeMap::new() };
        let rows = c
            .query("SELECT schemaname, indexname, tablename FROM pg_indexes WHERE schemaname NOT IN ('pg_catalog', 'information_schema')", &[])
            .expect("read pg_indexes");
        rows.iter()
            .map(|r| {
                let (schema, index, table): (String, String, String) = (r.get(0), r.get(1), r.get(2));
                (pg_key(&schema, &index), pg_key(&schema, &table))
            })
            .collect()
    }
}

fn pg_key(schema: &str, table: &str) -> String {
    if schema == "public" {
        table.to_string()
    } else {
        format!("{schema}.{table}")
    }
}

fn without_bookkeeping(mut cat: Catalog) -> Catalog {
    cat.retain(|t, _| !BOOKKEEPING_TABLES.contains(&t.as_str()));
    cat
}

impl Drop for Scratch {
    fn drop(&mut self) {
        // Close our own session first, then drop the database from the admin one.
        drop(self.conn.take());
        match self.dialect {
            Dialect::Postgres => {
                if let Ok(mut admin) = postgres::Client::connect(PG_ADMIN, postgres::NoTls) {
                    if let Err(e) = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name)) {
                        eprintln!("could not drop scratch database {}: {e}", self.name);
                    }
                }
            }
            Dialect::Mysql => {
                if let Ok(mut admin) = mysql::Conn::new(mysql_opts(None)) {
                    if let Err(e) = admin.query_drop(format!("DROP DATABASE IF EXISTS {}", self.name)) {
                        eprintln!("could not drop scratch database {}: {e}", self.name);
                    }
                }
            }
            Dialect::Sqlite => {
                if let Some(p) = &self.sqlite_path {
                    let _ = std::fs::remove_file(p);
                }
            }
        }
    }
}

/// Model vs engine, one line per difference.
pub fn diff(model: &Catalog, engine: &Catalog) -> Vec<String> {
    let mut out = Vec::new();
    for (t, cols) in model {
        let Some(ecols) = engine.get(t) else {
            out.push(format!("table {t}: in the model, not in the engine"));
            continue;
        };
        for (c, m) in cols {
            match ecols.get(c) {
                None => out.push(format!("{t}.{c}: in the model ({}), not in the engine", show(m))),
                Some(e) if e != m => out.push(format!("{t}.{c}: model {} vs engine {}", show(m), show(e))),
                Some(_) => {}
            }
        }
        for (c, e) in ecols {
            if !cols.contains_key(c) {
                out.push(format!("{t}.{c}: in the engine ({}), not in the model", show(e)));
            }
        }
    }
    for t in engine.keys().filter(|t| !model.contains_key(*t)) {
        out.push(format!("table {t}: in the engine, not in the model"));
    }
    out
}

fn show(c: &CatalogColumn) -> String {
    format!("{} {}", c.data_type, if c.nullable { "NULL" } else { "NOT NULL" })
}

/// What one compared history came to.
pub struct Compared {
    pub history: History,
    /// The engine's catalog (equal to the model's).
    pub engine: Catalog,
    /// PostgreSQL: the engine's indexes (index → table); empty for the other engines.
    pub engine_indexes: BTreeMap<String, String>,
    pub tables: usize,
    pub columns: usize,
}

/// Analyse the migrations in `dir`, apply them in the model's order on a
/// scratch database, and assert that both catalogs are the same.
pub fn compare_history(dialect: Dialect, dir: &Path) -> Compared {
    compare_history_with(dialect, dir, "")
}

/// [`compare_history`], with `session_setup` run first on the scratch
/// database's session (what the service's migration runner does, e.g.
/// vaultwarden's `SET FOREIGN_KEY_CHECKS = 0` on MySQL).
pub fn compare_history_with(dialect: Dialect, dir: &Path, session_setup: &str) -> Compared {
    let source = read_source(dir, &dir.display().to_string()).unwrap_or_else(|e| panic!("read {}: {e}", dir.display()));
    let history = analyze(dialect, &source);
    let errors: Vec<String> = history.errors().map(|d| d.to_string()).collect();
    assert!(errors.is_empty(), "{}: the model reports errors:\n  {}", dir.display(), errors.join("\n  "));
    assert!(!history.migrations.is_empty(), "{}: no migrations found", dir.display());
    for w in history.diagnostics.iter().filter(|d| d.severity != migsafe_core::Severity::Error) {
        println!("model {w}");
    }

    let mut db = Scratch::new(dialect);
    if !session_setup.is_empty() {
        db.apply(session_setup).unwrap_or_else(|e| panic!("session setup `{session_setup}` failed: {e}"));
    }
    for m in &history.migrations {
        if let Err(e) = db.apply(&m.up.text) {
            panic!("{}: applying {} on {dialect} failed (is the model's order right?): {e}", dir.display(), m.up.path);
        }
    }
    let engine = db.catalog();
    let engine_indexes = db.pg_indexes();
    let model = without_bookkeeping(history.schema.catalog());
    let d = diff(&model, &engine);
    assert!(d.is_empty(), "{}: the model differs from {dialect} ({} difference(s)):\n  {}", dir.display(), d.len(), d.join("\n  "));
    let tables = engine.len();
    let columns = engine.values().map(|c| c.len()).sum();
    println!("{}: {} migrations, {tables} tables, {columns} columns match {dialect}", dir.display(), history.migrations.len());
    Compared { history, engine, engine_indexes, tables, columns }
}
