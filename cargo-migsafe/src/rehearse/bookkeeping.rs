//! The migration tool's own record of what it applied, written into the
//! scratch database beside each migration the drill applies, so that a test
//! that runs the tool's migrator on `DATABASE_URL` (sqlx's
//! `migrate!().run(&pool)`) finds the migrations applied instead of running
//! them a second time. sqlx's `_sqlx_migrations` only, as sqlx itself
//! creates and fills it (the table of its `sideeffects.md`; the checksum is
//! the SHA-384 of the file's text, which sqlx compares with the migrations
//! it embeds). Other tools' migrations are applied without a record.

use migsafe_core::migrations::Migration;
use migsafe_core::Dialect;
use sha2::{Digest, Sha384};

/// The table sqlx creates, in this dialect.
pub fn sqlx_table(dialect: Dialect) -> &'static str {
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

/// The row sqlx would have written for `m`, as one INSERT; `None` when
/// sqlx does not run it (or its version is not a number sqlx reads).
pub fn sqlx_record(dialect: Dialect, m: &Migration, nanos: u128) -> Option<String> {
    if m.tool.id() != "sqlx" {
        return None;
    }
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
