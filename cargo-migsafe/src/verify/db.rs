//! `verify`'s IO: a database URL (which engine, shown without its password),
//! the connection, and the catalog queries of `migsafe_core::live::queries`
//! sent once each, their rows handed back as a `LiveCatalog`.

use migsafe_core::live::queries as q;
use migsafe_core::live::{CatalogColumn, CatalogDefault, CatalogEnumValue, CatalogIndex, LiveCatalog};
use migsafe_core::Dialect;
use std::time::Duration;

/// Why the catalog could not be read; each names the URL without its password.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("unsupported database URL `{0}`: use postgres://, postgresql://, mysql://, mariadb:// or sqlite:PATH")]
    Scheme(String),
    #[error("invalid database URL `{url}`: {why}")]
    Invalid { url: String, why: String },
    #[error("cannot connect to {url}: {why}")]
    Connect { url: String, why: String },
    #[error("SQLite database {path} does not exist")]
    NoSqliteFile { path: String },
    #[error("cannot read the catalog ({what}) of {url}: {why}")]
    Query { url: String, what: &'static str, why: String },
}

/// A parsed `--database-url`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbUrl {
    pub dialect: Dialect,
    /// As given (it may hold a password: never printed).
    url: String,
    /// As shown: the password replaced by `***`.
    pub shown: String,
}

impl DbUrl {
    pub fn parse(url: &str) -> Result<DbUrl, DbError> {
        let shown = redact(url);
        let scheme = url.split_once(':').map(|(s, _)| s.to_ascii_lowercase()).unwrap_or_default();
        let dialect = match scheme.as_str() {
            "postgres" | "postgresql" => Dialect::Postgres,
            "mysql" | "mariadb" => Dialect::Mysql,
            "sqlite" => Dialect::Sqlite,
            _ => return Err(DbError::Scheme(shown)),
        };
        if dialect != Dialect::Sqlite && !url[scheme.len()..].starts_with("://") {
            return Err(DbError::Invalid { url: shown, why: format!("expected {scheme}://[user[:password]@]host[:port]/database") });
        }
        Ok(DbUrl { dialect, url: url.to_string(), shown })
    }

    /// The SQLite file: `sqlite:PATH`, `sqlite://PATH`, `sqlite:///ABSOLUTE`, without `?options`.
    fn sqlite_path(&self) -> &str {
        let rest = &self.url["sqlite:".len()..];
        let rest = rest.strip_prefix("//").unwrap_or(rest);
        rest.split('?').next().unwrap_or(rest)
    }
}

/// `scheme://user:secret@host/db` as `scheme://user:***@host/db`.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_string() };
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    match authority.rsplit_once('@') {
        Some((user, host)) => match user.split_once(':') {
            Some((name, _)) => format!("{scheme}://{name}:***@{host}{path}"),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

/// Read every catalog query's rows from the database at `url`.
pub fn read(url: &DbUrl) -> Result<LiveCatalog, DbError> {
    match url.dialect {
        Dialect::Postgres => postgres_catalog(url),
        Dialect::Mysql => mysql_catalog(url),
        Dialect::Sqlite => sqlite_catalog(url),
    }
}

const TIMEOUT: Duration = Duration::from_secs(10);

/// An error with its causes (`error connecting to server: Connection refused (os error 111)`).
fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let more = s.to_string();
        if !text.contains(&more) {
            text = format!("{text}: {more}");
        }
        source = s.source();
    }
    text
}

fn postgres_catalog(url: &DbUrl) -> Result<LiveCatalog, DbError> {
    let mut config: postgres::Config = url.url.parse().map_err(|e: postgres::Error| DbError::Invalid { url: url.shown.clone(), why: e.to_string() })?;
    config.connect_timeout(TIMEOUT);
    let mut client = config.connect(postgres::NoTls).map_err(|e| DbError::Connect { url: url.shown.clone(), why: chain(&e) })?;
    let query = |client: &mut postgres::Client, what: &'static str, sql: &str| {
        client.query(sql, &[]).map_err(|e| DbError::Query { url: url.shown.clone(), what, why: chain(&e) })
    };
    let bad = |what: &'static str| move |e: postgres::Error| DbError::Query { url: url.shown.clone(), what, why: chain(&e) };
    let mut columns = Vec::new();
    for r in query(&mut client, "columns", q::POSTGRES_COLUMNS)? {
        let schema: Option<String> = r.try_get(5).map_err(bad("columns"))?;
        let ty: Option<String> = r.try_get(6).map_err(bad("columns"))?;
        columns.push(CatalogColumn {
            schema: r.try_get(0).map_err(bad("columns"))?,
            table: r.try_get(1).map_err(bad("columns"))?,
            view: r.try_get(2).map_err(bad("columns"))?,
            column: r.try_get(3).map_err(bad("columns"))?,
            data_type: r.try_get(4).map_err(bad("columns"))?,
            enum_type: schema.zip(ty),
            nullable: r.try_get(7).map_err(bad("columns"))?,
            has_default: r.try_get(8).map_err(bad("columns"))?,
            identity: r.try_get(9).map_err(bad("columns"))?,
            generated: r.try_get(10).map_err(bad("columns"))?,
        });
    }
    let mut enums = Vec::new();
    for r in query(&mut client, "enum values", q::POSTGRES_ENUMS)? {
        enums.push(CatalogEnumValue {
            schema: r.try_get(0).map_err(bad("enum values"))?,
            type_name: r.try_get(1).map_err(bad("enum values"))?,
            value: r.try_get(2).map_err(bad("enum values"))?,
        });
    }
    let mut indexes = Vec::new();
    for r in query(&mut client, "indexes", q::POSTGRES_INDEXES)? {
        let cols: String = r.try_get(5).map_err(bad("indexes"))?;
        indexes.push(CatalogIndex {
            schema: r.try_get(0).map_err(bad("indexes"))?,
            table: r.try_get(1).map_err(bad("indexes"))?,
            name: r.try_get(2).map_err(bad("indexes"))?,
            unique: r.try_get(3).map_err(bad("indexes"))?,
            primary: r.try_get(4).map_err(bad("indexes"))?,
            columns: cols.split(',').filter(|c| !c.is_empty()).map(String::from).collect(),
        });
    }
    let mut defaults = Vec::new();
    for r in query(&mut client, "defaults", q::POSTGRES_DEFAULTS)? {
        defaults.push(CatalogDefault {
            schema: r.try_get(0).map_err(bad("defaults"))?,
            table: r.try_get(1).map_err(bad("defaults"))?,
            column: r.try_get(2).map_err(bad("defaults"))?,
            expression: r.try_get(3).map_err(bad("defaults"))?,
        });
    }
    Ok(LiveCatalog { dialect: Dialect::Postgres, columns, enums, indexes, defaults })
}

fn mysql_catalog(url: &DbUrl) -> Result<LiveCatalog, DbError> {
    use mysql::prelude::Queryable;
    let as_mysql = match url.url.split_once("://") {
        Some((_, rest)) => format!("mysql://{rest}"),
        None => url.url.clone(),
    };
    let opts = mysql::Opts::from_url(&as_mysql).map_err(|e| DbError::Invalid { url: url.shown.clone(), why: e.to_string() })?;
    if opts.get_db_name().is_none() {
        return Err(DbError::Invalid { url: url.shown.clone(), why: "no database named (mysql://user@host/DATABASE)".into() });
    }
    let opts = mysql::OptsBuilder::from_opts(opts).tcp_connect_timeout(Some(TIMEOUT));
    let mut conn = mysql::Conn::new(opts).map_err(|e| DbError::Connect { url: url.shown.clone(), why: chain(&e) })?;
    let err = |what: &'static str| move |e: mysql::Error| DbError::Query { url: url.shown.clone(), what, why: chain(&e) };
    let rows: Vec<q::MysqlColumnRow> = conn.query(q::MYSQL_COLUMNS).map_err(err("columns"))?;
    let columns = rows.into_iter().map(q::mysql_column).collect();
    let rows: Vec<(String, String, i64, String)> = conn.query(q::MYSQL_INDEXES).map_err(err("indexes"))?;
    let indexes = group_indexes(rows.into_iter().map(|(t, i, u, c)| {
        let primary = i == "PRIMARY";
        (t, i, u != 0, primary, c)
    }));
    let rows: Vec<(String, String, String)> = conn.query(q::MYSQL_DEFAULTS).map_err(err("defaults"))?;
    let defaults = rows.into_iter().map(|(table, column, expression)| CatalogDefault { schema: String::new(), table, column, expression }).collect();
    Ok(LiveCatalog { dialect: Dialect::Mysql, columns, enums: Vec::new(), indexes, defaults })
}

/// One row per index column (table, index, unique, primary, column), in index order, as indexes.
fn group_indexes(rows: impl Iterator<Item = (String, String, bool, bool, String)>) -> Vec<CatalogIndex> {
    let mut out: Vec<CatalogIndex> = Vec::new();
    for (table, name, unique, primary, column) in rows {
        match out.last_mut() {
            Some(last) if last.table == table && last.name == name => last.columns.push(column),
            _ => out.push(CatalogIndex { schema: String::new(), table, name, columns: vec![column], unique, primary }),
        }
    }
    out
}

fn sqlite_catalog(url: &DbUrl) -> Result<LiveCatalog, DbError> {
    use rusqlite::OpenFlags;
    let path = url.sqlite_path();
    if !std::path::Path::new(path).is_file() {
        return Err(DbError::NoSqliteFile { path: path.to_string() });
    }
    // Read-only: verify never writes, and never creates a file.
    let conn = rusqlite::Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(|e| DbError::Connect { url: url.shown.clone(), why: chain(&e) })?;
    let err = |what: &'static str| move |e: rusqlite::Error| DbError::Query { url: url.shown.clone(), what, why: chain(&e) };
    let mut stmt = conn.prepare(q::SQLITE_COLUMNS).map_err(err("columns"))?;
    let columns = stmt
        .query_map([], |r| Ok(q::sqlite_column((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?))))
        .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
        .map_err(err("columns"))?;
    let mut stmt = conn.prepare(q::SQLITE_INDEXES).map_err(err("indexes"))?;
    let rows = stmt
        .query_map([], |r| {
            let origin: String = r.get(3)?;
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, bool>(2)?, origin == "pk", r.get::<_, Option<String>>(4)?.unwrap_or_default()))
        })
        .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
        .map_err(err("indexes"))?;
    let indexes = group_indexes(rows.into_iter());
    let mut stmt = conn.prepare(q::SQLITE_DEFAULTS).map_err(err("defaults"))?;
    let defaults = stmt
        .query_map([], |r| Ok(CatalogDefault { schema: String::new(), table: r.get(0)?, column: r.get(1)?, expression: r.get(2)? }))
        .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
        .map_err(err("defaults"))?;
    Ok(LiveCatalog { dialect: Dialect::Sqlite, columns, enums: Vec::new(), indexes, defaults })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_their_engine_and_never_show_the_password() {
        let u = DbUrl::parse("postgres://app:s3cret@db.internal:5432/shop").unwrap();
        assert_eq!((u.dialect, u.shown.as_str()), (Dialect::Postgres, "postgres://app:***@db.internal:5432/shop"));
        assert_eq!(DbUrl::parse("postgresql://app@db/shop").unwrap().dialect, Dialect::Postgres);
        assert_eq!(DbUrl::parse("mariadb://root@127.0.0.1/test").unwrap().dialect, Dialect::Mysql);
        assert_eq!(DbUrl::parse("mysql://root:pw@127.0.0.1/test").unwrap().shown, "mysql://root:***@127.0.0.1/test");
        assert_eq!(DbUrl::parse("sqlite:///tmp/a.db?mode=ro").unwrap().sqlite_path(), "/tmp/a.db");
        assert_eq!(DbUrl::parse("sqlite:data/app.db").unwrap().sqlite_path(), "data/app.db");
        let e = DbUrl::parse("mongodb://u:pw@h/db").unwrap_err().to_string();
        assert!(e.contains("mongodb://u:***@h/db") && !e.contains("pw"), "{e}");
        assert!(DbUrl::parse("postgres:/nohost").is_err());
    }
}
