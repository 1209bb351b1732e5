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
            Conn::Pg(c) => c.batch_execute(script).map_err(pg_error),
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

    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// The scratch database's name (a second client connects to it by name).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// PREPARE one statement as the server would for a client, and drop it
    /// again (PostgreSQL `PREPARE … AS`, MariaDB `PREPARE … FROM '…'`,
    /// SQLite's `sqlite3_prepare`): the server resolves every table and
    /// column then. `Err` is the database's message (with its code).
    pub fn prepare(&mut self, sql: &str) -> Result<(), String> {
        let sql = one_statement(sql);
        match self.conn.as_mut().expect("connection is open") {
            Conn::Pg(c) => {
                c.batch_execute(&format!("PREPARE {PREPARED} AS {sql}")).map_err(pg_error)?;
                c.batch_execute(&format!("DEALLOCATE {PREPARED}")).map_err(pg_error)
            }
            Conn::My(c) => {
                c.query_drop(format!("PREPARE {PREPARED} FROM {}", mysql_string(sql))).map_err(|e| e.to_string())?;
                c.query_drop(format!("DEALLOCATE PREPARE {PREPARED}")).map_err(|e| e.to_string())
            }
            Conn::Lite(c) => c.prepare(sql).map(drop).map_err(|e| e.to_string()),
        }
    }

    /// The names of the columns a prepared `sql` returns, as the driver's
    /// describe reports them (what a client decodes rows by).
    pub fn result_columns(&mut self, sql: &str) -> Result<Vec<String>, String> {
        let sql = one_statement(sql);
        match self.conn.as_mut().expect("connection is open") {
            Conn::Pg(c) => c.prepare(sql).map(|st| st.columns().iter().map(|col| col.name().to_string()).collect()).map_err(pg_error),
            Conn::My(c) => {
                let st = c.prep(sql).map_err(|e| e.to_string())?;
                let names = st.columns().iter().map(|col| col.name_str().into_owned()).collect();
                c.close(st).map_err(|e| e.to_string())?;
                Ok(names)
            }
            Conn::Lite(c) => c.prepare(sql).map(|st| st.column_names().map(String::from).collect()).map_err(|e| e.to_string()),
        }
    }

    /// EXECUTE `sql` with `params` bound (`params[i]` is the statement's
    /// parameter `i + 1`: `$n`, the n-th `?`), inside a transaction that is
    /// rolled back whatever happens. `Ok` is the number of rows it changed;
    /// `Err` the database's message (with its code).
    pub fn execute_rolled_back(&mut self, sql: &str, params: &[Param]) -> Result<u64, String> {
        let sql = one_statement(sql);
        match self.conn.as_mut().expect("connection is open") {
            Conn::Pg(c) => {
                c.batch_execute(&format!("PREPARE {PREPARED} AS {sql}")).map_err(pg_error)?;
                let args: Vec<String> = params.iter().map(|p| pg_string(&p.text())).collect();
                let execute = if args.is_empty() { format!("EXECUTE {PREPARED}") } else { format!("EXECUTE {PREPARED}({})", args.join(", ")) };
                let outcome = (|| {
                    // Dropping the transaction without a commit rolls it back.
                    let mut tx = c.transaction()?;
                    let mut rows = 0;
                    for m in tx.simple_query(&execute)? {
                        if let postgres::SimpleQueryMessage::CommandComplete(n) = m {
                            rows = n;
                        }
                    }
                    tx.rollback()?;
                    Ok(rows)
                })()
                .map_err(pg_error);
                c.batch_execute(&format!("DEALLOCATE {PREPARED}")).map_err(pg_error)?;
                outcome
            }
            Conn::My(c) => {
                c.query_drop(format!("PREPARE {PREPARED} FROM {}", mysql_string(sql))).map_err(|e| e.to_string())?;
                let args: Vec<String> = params
                    .iter()
                    .map(|p| match p {
                        Param::Int(n) => n.to_string(),
                        Param::Bool(b) => i64::from(*b).to_string(),
                        Param::Text(t) => mysql_string(t),
                    })
                    .collect();
                let execute = if args.is_empty() { format!("EXECUTE {PREPARED}") } else { format!("EXECUTE {PREPARED} USING {}", args.join(", ")) };
                c.query_drop("START TRANSACTION").map_err(|e| e.to_string())?;
                let outcome = c.query_drop(execute).map(|()| c.affected_rows()).map_err(|e| e.to_string());
                c.query_drop("ROLLBACK").map_err(|e| e.to_string())?;
                c.query_drop(format!("DEALLOCATE PREPARE {PREPARED}")).map_err(|e| e.to_string())?;
                outcome
            }
            Conn::Lite(c) => {
                c.execute_batch("BEGIN").map_err(|e| e.to_string())?;
                let outcome = (|| -> rusqlite::Result<u64> {
                    let mut st = c.prepare(sql)?;
                    for slot in 1..=st.parameter_count() {
                        // `?NNN` and `$NNN` name their number; a bare `?` is its slot.
                        let number = st.parameter_name(slot).and_then(|n| n[1..].parse::<usize>().ok()).unwrap_or(slot);
                        let value = match params.get(number - 1) {
                            Some(Param::Int(n)) => rusqlite::types::Value::Integer(*n),
                            Some(Param::Bool(b)) => rusqlite::types::Value::Integer(i64::from(*b)),
                            Some(Param::Text(t)) => rusqlite::types::Value::Text(t.clone()),
                            None => rusqlite::types::Value::Null,
                        };
                        st.raw_bind_parameter(slot, value)?;
                    }
                    Ok(st.raw_execute()? as u64)
                })()
                .map_err(|e| e.to_string());
                c.execute_batch("ROLLBACK").map_err(|e| e.to_string())?;
                outcome
            }
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

/// The name of the statement [`Scratch::prepare`] prepares (one at a time).
const PREPARED: &str = "migsafe_proof";

/// A value bound to a statement's parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Param {
    Int(i64),
    Bool(bool),
    Text(String),
}

impl Param {
    /// As text (PostgreSQL's `EXECUTE` takes every argument as an untyped
    /// literal, which it converts to the parameter's type).
    pub fn text(&self) -> String {
        match self {
            Param::Int(n) => n.to_string(),
            Param::Bool(b) => b.to_string(),
            Param::Text(t) => t.clone(),
        }
    }
}

/// Whether the database server of `dialect` answers (SQLite has none).
pub fn reachable(dialect: Dialect) -> Result<(), String> {
    match dialect {
        Dialect::Postgres => postgres::Client::connect(PG_ADMIN, postgres::NoTls).map(drop).map_err(|e| format!("PostgreSQL at 127.0.0.1:5432: {e}")),
        Dialect::Mysql => mysql::Conn::new(mysql_opts(None)).map(drop).map_err(|e| format!("MySQL/MariaDB at {MYSQL_HOST}:{MYSQL_PORT}: {e}")),
        Dialect::Sqlite => Ok(()),
    }
}

/// The statement without the trailing `;` (PREPARE takes one statement).
fn one_statement(sql: &str) -> &str {
    sql.trim().trim_end_matches(';').trim_end()
}

fn pg_error(e: postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{}: {}", db.code().code(), db.message()),
        None => e.to_string(),
    }
}

/// A PostgreSQL string literal (standard_conforming_strings: only `'` is special).
fn pg_string(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// A MySQL/MariaDB string literal (backslash is an escape character there).
fn mysql_string(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "''"))
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
pub fn compare_history(dialect: Dialect, dir: &Path) -> Option<Compared> {
    compare_history_with(dialect, dir, "")
}

/// Whether `dialect`'s server can be reached: when it cannot, the test says
/// so and is skipped, as the corpus tests are without the corpus; in CI
/// (`CI` set), which starts the servers, that is a failure instead.
pub fn server_or_skip(dialect: Dialect) -> bool {
    match reachable(dialect) {
        Ok(()) => true,
        Err(e) => {
            assert!(std::env::var_os("CI").is_none(), "CI is set but the database server is unreachable: {e}");
            println!("skipped: database server unreachable: {e}");
            false
        }
    }
}

/// [`compare_history`], with `session_setup` run first on the scratch
/// database's session (what the service's migration runner does, e.g.
/// vaultwarden's `SET FOREIGN_KEY_CHECKS = 0` on MySQL).
pub fn compare_history_with(dialect: Dialect, dir: &Path, session_setup: &str) -> Option<Compared> {
    if !server_or_skip(dialect) {
        return None;
    }
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
    Some(Compared { history, engine, engine_indexes, tables, columns })
}
