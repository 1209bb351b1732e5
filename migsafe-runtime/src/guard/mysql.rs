//! The guard for a MySQL / MariaDB connection of the `mysql` crate (feature
//! `mysql`): a `Conn`, a `PooledConn` or a `Transaction`.
//!
//! ```no_run
//! # fn start(conn: &mut mysql::PooledConn) -> Result<(), Box<dyn std::error::Error>> {
//! use migsafe_runtime::guard::{mysql::guard, Policy};
//! guard(conn, Policy::Fail)?; // refuses to start, naming each column and site
//! # Ok(()) }
//! ```

use super::{enforce, sql, verify_catalog, Catalog, Dialect, GuardError, Policy, Report, VerifyError};
use ::mysql::prelude::Queryable;

fn error(e: ::mysql::Error) -> VerifyError {
    VerifyError { driver: "mysql", query: "columns", source: Box::new(e) }
}

/// The catalog of the connection's current database: one query
/// (`information_schema.COLUMNS`; an inline `ENUM(...)` keeps its values in
/// the column's type, so there is no enum query).
pub fn read_catalog(conn: &mut impl Queryable) -> Result<Catalog, VerifyError> {
    let rows: Vec<sql::MysqlColumnRow> = conn.query(sql::MYSQL_COLUMNS).map_err(error)?;
    let columns = rows.into_iter().map(sql::mysql_column).collect();
    Ok(Catalog { dialect: Dialect::Mysql, columns, enums: Vec::new() })
}

/// This binary's footprint against the connection's database.
pub fn verify(conn: &mut impl Queryable) -> Result<Report, VerifyError> {
    Ok(verify_catalog(&read_catalog(conn)?))
}

/// [`verify`], then `policy`: under [`Policy::Fail`] a report with an
/// error is `Err(GuardError::Incompatible)`; under [`Policy::Warn`] it is
/// printed to stderr and returned.
pub fn guard(conn: &mut impl Queryable, policy: Policy) -> Result<Report, GuardError> {
    enforce(verify(conn)?, policy)
}
