//! The guard for a [`rusqlite::Connection`] (feature `rusqlite`).
//!
//! ```no_run
//! # fn start(conn: &rusqlite::Connection) -> Result<(), Box<dyn std::error::Error>> {
//! use migsafe_runtime::guard::{rusqlite::guard, Policy};
//! guard(conn, Policy::Fail)?; // refuses to start, naming each column and site
//! # Ok(()) }
//! ```

use super::{enforce, sql, verify_catalog, Catalog, Dialect, GuardError, Policy, Report, VerifyError};
use ::rusqlite::Connection;

fn error(e: ::rusqlite::Error) -> VerifyError {
    VerifyError { driver: "rusqlite", query: "columns", source: Box::new(e) }
}

/// The catalog of `conn`'s main database: one query (SQLite has no enum types).
pub fn read_catalog(conn: &Connection) -> Result<Catalog, VerifyError> {
    let mut stmt = conn.prepare(sql::SQLITE_COLUMNS).map_err(error)?;
    let rows =
        stmt.query_map([], |r| Ok(sql::sqlite_column((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?))));
    let columns = rows.map_err(error)?.collect::<Result<Vec<_>, _>>().map_err(error)?;
    Ok(Catalog { dialect: Dialect::Sqlite, columns, enums: Vec::new() })
}

/// This binary's footprint against `conn`'s database.
pub fn verify(conn: &Connection) -> Result<Report, VerifyError> {
    Ok(verify_catalog(&read_catalog(conn)?))
}

/// [`verify`], then `policy`: under [`Policy::Fail`] a report with an
/// error is `Err(GuardError::Incompatible)`; under [`Policy::Warn`] it is
/// printed to stderr and returned.
pub fn guard(conn: &Connection, policy: Policy) -> Result<Report, GuardError> {
    enforce(verify(conn)?, policy)
}
