//! The migration tool's own record of what it applied, written into the
//! scratch database beside each migration the drill applies, so that a test
//! that runs the tool's migrator on `DATABASE_URL` (sqlx's
//! `migrate!().run(&pool)`, diesel's `run_pending_migrations(MIGRATIONS)`)
//! finds the migrations applied instead of running them a second time:
//!
//! - sqlx's `_sqlx_migrations`, as sqlx itself creates and fills it (the
//!   table of its `sideeffects.md`; the checksum is the SHA-384 of the
//!   file's text, which sqlx compares with the migrations it embeds);
//! - diesel's `__diesel_schema_migrations` (diesel's
//!   `setup_migration_table.sql`, the same on every backend): the version is
//!   the folder's name up to its first `_`, without its dashes, as
//!   `migrations_internals::version_from_string` makes it.
//!
//! Other tools' migrations are applied without a record.

use migsafe_core::migrations::Migration;
use migsafe_core::Dialect;
use sha2::{Digest, Sha384};

/// The table sqlx creates, in this dialect.
fn sqlx_table(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Postgres => {
            "CREATE TABLE IF NOT EXISTS _sqlx_migrations (version BIGINT PRIMARY KEY, description TEXT NOT NULL, \
             installed_on TIMESTAMPTZ NOT NULL DEFAULT now(), success BOOLEAN NOT NULL, checksum BYTEA NOT NULL, \
             execution_time BIGINT NOT NULL)"
        }
        Dialect::Mysql | Dialect::Sqlite => {
            "CREATE TABLE IF NOT EXISTS _sqlx_migrations (version BIGINT PRIMARY KEY, description TEXT NOT NULL, \
             installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, success BOOLEAN NOT NULL, checksum BLOB NOT NULL, \
             execution_time BIGINT NOT NULL)"
        }
    }
}

/// Where a tool records a migration it applied: its table (created once,
/// before the first row), and the row for one migration.
pub struct Record {
    pub table: &'static str,
    pub create: &'static str,
    pub insert: String,
}

/// The record `m`'s tool keeps of it, when the tool is one whose record the
/// drill writes; `nanos` is how long it took.
pub fn record(dialect: Dialect, m: &Migration, nanos: u128) -> Option<Record> {
    match m.tool.id() {
        "sqlx" => Some(Record { table: "_sqlx_migrations", create: sqlx_table(dialect), insert: sqlx_record(dialect, m, nanos)? }),
        "diesel" => Some(Record { table: "__diesel_schema_migrations", create: DIESEL_TABLE, insert: diesel_record(m) }),
        _ => None,
    }
}

/// The table diesel's migration harness creates, on every backend.
const DIESEL_TABLE: &str = "CREATE TABLE IF NOT EXISTS __diesel_schema_migrations (version VARCHAR(50) PRIMARY KEY NOT NULL, \
                            run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)";

/// The row diesel writes for `m`: its version without dashes
/// (`2023-11-02-101500_add_x` is `20231102101500`).
fn diesel_record(m: &Migration) -> String {
    let version: String = m.version.chars().filter(|c| *c != '-').collect();
    // diesel's versions are digits: nothing to quote, but a quote is doubled all the same.
    format!("INSERT INTO __diesel_schema_migrations (version) VALUES ('{}')", version.replace('\'', "''"))
}

/// The row sqlx would have written for `m`, as one INSERT; `None` when its
/// version is not a number sqlx reads.
fn sqlx_record(dialect: Dialect, m: &Migration, nanos: u128) -> Option<String> {
    let version: i64 = m.version.parse().ok()?;
    let checksum: String = Sha384::digest(m.up.text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
    let checksum = match dialect {
        Dialect::Postgres => format!("decode('{checksum}', 'hex')"),
        Dialect::Mysql | Dialect::Sqlite => format!("X'{checksum}'"),
    };
    let mut description = m.name.replace('_', " ").replace('\'', "''");
    if dialect == Dialect::Mysql {
        description = description.replace('\\', "\\\\");
    }
    let nanos = i64::try_from(nanos).unwrap_or(i64::MAX);
    let success = if dialect == Dialect::Sqlite { "1" } else { "TRUE" };
    Some(format!(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES ({version}, '{description}', {success}, {checksum}, {nanos})"
    ))
}
