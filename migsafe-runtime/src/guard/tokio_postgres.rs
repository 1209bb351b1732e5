//! The guard for a [`tokio_postgres::Client`] (feature `tokio-postgres`).
//!
//! ```no_run
//! # async fn start(client: tokio_postgres::Client) -> Result<(), Box<dyn std::error::Error>> {
//! use migsafe_runtime::guard::{tokio_postgres::guard, Policy};
//! guard(&client, Policy::Fail).await?; // refuses to start, naming each column and site
//! # Ok(()) }
//! ```

use super::{enforce, sql, verify_catalog, Catalog, CatalogColumn, CatalogEnumValue, Dialect, GuardError, Policy, Report, VerifyError};
use ::tokio_postgres::Client;

fn error(query: &'static str) -> impl FnOnce(::tokio_postgres::Error) -> VerifyError {
    move |e| VerifyError { driver: "tokio-postgres", query, source: Box::new(e) }
}

/// A catalog row's enum type: `(schema, name)` when the column is of one.
fn enum_type(schema: Option<String>, name: Option<String>) -> Option<(String, String)> {
    Some((schema?, name?))
}

/// The catalog of the database `client` is connected to: two queries.
pub async fn read_catalog(client: &Client) -> Result<Catalog, VerifyError> {
    let rows = client.query(sql::POSTGRES_COLUMNS, &[]).await.map_err(error("columns"))?;
    let mut columns = Vec::with_capacity(rows.len());
    for r in rows {
        let get = |r: &::tokio_postgres::Row| -> Result<CatalogColumn, ::tokio_postgres::Error> {
            Ok(CatalogColumn {
                schema: r.try_get(0)?,
                table: r.try_get(1)?,
                view: r.try_get(2)?,
                column: r.try_get(3)?,
                data_type: r.try_get(4)?,
                enum_type: enum_type(r.try_get(5)?, r.try_get(6)?),
                nullable: r.try_get(7)?,
                has_default: r.try_get(8)?,
                identity: r.try_get(9)?,
                generated: r.try_get(10)?,
            })
        };
        columns.push(get(&r).map_err(error("columns"))?);
    }
    let rows = client.query(sql::POSTGRES_ENUMS, &[]).await.map_err(error("enum values"))?;
    let mut enums = Vec::with_capacity(rows.len());
    for r in rows {
        let get = |r: &::tokio_postgres::Row| -> Result<CatalogEnumValue, ::tokio_postgres::Error> {
            Ok(CatalogEnumValue { schema: r.try_get(0)?, type_name: r.try_get(1)?, value: r.try_get(2)? })
        };
        enums.push(get(&r).map_err(error("enum values"))?);
    }
    Ok(Catalog { dialect: Dialect::Postgres, columns, enums })
}

/// This binary's footprint against the database `client` is connected to.
pub async fn verify(client: &Client) -> Result<Report, VerifyError> {
    Ok(verify_catalog(&read_catalog(client).await?))
}

/// [`verify`], then `policy`: under [`Policy::Fail`] a report with an
/// error is `Err(GuardError::Incompatible)`; under [`Policy::Warn`] it is
/// printed to stderr and returned.
pub async fn guard(client: &Client, policy: Policy) -> Result<Report, GuardError> {
    enforce(verify(client).await?, policy)
}
