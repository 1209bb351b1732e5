//! The guard for a sqlx pool: `sqlx::PgPool` (feature `sqlx-postgres`) or
//! `sqlx::MySqlPool` (feature `sqlx-mysql`), sending the same catalog
//! queries as the other drivers (`migsafe_core::live::queries`). sqlx's
//! SQLite driver is not offered: sqlx-sqlite 0.8 links libsqlite3-sys 0.30,
//! the `rusqlite` feature's rusqlite 0.41 links 0.39, and two versions of a
//! `links = "sqlite3"` crate cannot share a dependency graph.
//!
//! ```no_run
//! # async fn start(pool: sqlx::PgPool) -> Result<(), Box<dyn std::error::Error>> {
//! use migsafe_runtime::guard::{sqlx::postgres::guard, Policy};
//! guard(&pool, Policy::Fail).await?; // refuses to start, naming each column and site
//! # Ok(()) }
//! ```

use super::VerifyError;

fn error(query: &'static str) -> impl FnOnce(::sqlx::Error) -> VerifyError {
    move |e| VerifyError { driver: "sqlx", query, source: Box::new(e) }
}

/// PostgreSQL through a `sqlx::PgPool` (feature `sqlx-postgres`).
#[cfg(feature = "sqlx-postgres")]
pub mod postgres {
    use super::super::{enforce, sql, verify_catalog, Catalog, CatalogColumn, CatalogEnumValue, Dialect, GuardError, Policy, Report, VerifyError};
    use super::error;
    use ::sqlx::PgPool;

    type ColumnRow = (String, String, bool, String, String, Option<String>, Option<String>, bool, bool, bool, bool);

    /// The catalog of the pool's database: two queries.
    pub async fn read_catalog(pool: &PgPool) -> Result<Catalog, VerifyError> {
        let rows: Vec<ColumnRow> = ::sqlx::query_as(sql::POSTGRES_COLUMNS).fetch_all(pool).await.map_err(error("columns"))?;
        let columns = rows
            .into_iter()
            .map(|(schema, table, view, column, data_type, enum_schema, enum_name, nullable, has_default, identity, generated)| CatalogColumn {
                schema,
                table,
                view,
                column,
                data_type,
                enum_type: enum_schema.zip(enum_name),
                nullable,
                has_default,
                identity,
                generated,
            })
            .collect();
        let rows: Vec<(String, String, String)> = ::sqlx::query_as(sql::POSTGRES_ENUMS).fetch_all(pool).await.map_err(error("enum values"))?;
        let enums = rows.into_iter().map(|(schema, type_name, value)| CatalogEnumValue { schema, type_name, value }).collect();
        Ok(Catalog { dialect: Dialect::Postgres, columns, enums })
    }

    /// This binary's footprint against the pool's database.
    pub async fn verify(pool: &PgPool) -> Result<Report, VerifyError> {
        Ok(verify_catalog(&read_catalog(pool).await?))
    }

    /// [`verify`], then `policy` (see [`Policy`]).
    pub async fn guard(pool: &PgPool, policy: Policy) -> Result<Report, GuardError> {
        enforce(verify(pool).await?, policy)
    }
}

/// MySQL / MariaDB through a `sqlx::MySqlPool` (feature `sqlx-mysql`).
#[cfg(feature = "sqlx-mysql")]
pub mod mysql {
    use super::super::{enforce, sql, verify_catalog, Catalog, Dialect, GuardError, Policy, Report, VerifyError};
    use super::error;
    use ::sqlx::MySqlPool;

    /// The catalog of the pool's database: one query (an inline `ENUM(...)`
    /// keeps its values in the column's type).
    pub async fn read_catalog(pool: &MySqlPool) -> Result<Catalog, VerifyError> {
        let rows: Vec<sql::MysqlColumnRow> = ::sqlx::query_as(sql::MYSQL_COLUMNS).fetch_all(pool).await.map_err(error("columns"))?;
        let columns = rows.into_iter().map(sql::mysql_column).collect();
        Ok(Catalog { dialect: Dialect::Mysql, columns, enums: Vec::new() })
    }

    /// This binary's footprint against the pool's database.
    pub async fn verify(pool: &MySqlPool) -> Result<Report, VerifyError> {
        Ok(verify_catalog(&read_catalog(pool).await?))
    }

    /// [`verify`], then `policy` (see [`Policy`]).
    pub async fn guard(pool: &MySqlPool, policy: Policy) -> Result<Report, GuardError> {
        enforce(verify(pool).await?, policy)
    }
}
