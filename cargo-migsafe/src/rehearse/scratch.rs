//! The rehearsal's scratch database: made on the server `--database-url`
//! names (PostgreSQL, MySQL/MariaDB; a file beside nothing for SQLite),
//! migrated by running each migration's SQL as its tool runs it, and dropped
//! when the [`Scratch`] value goes away (on success, error and interrupt).

use super::bookkeeping;
use migsafe_core::migrations::{Migration, TxMode};
use migsafe_core::sql::{for_each_statement, StatementBody};
use migsafe_core::Dialect;
use mysql::prelude::Queryable;
use std::path::PathBuf;

/// Why the scratch database could not be made or migrated.
#[derive(Debug, thiserror::Error)]
pub enum ScratchError {
    #[error("--database-url `{0}`: expected postgres://, postgresql://, mysql://, mariadb:// or sqlite: URL")]
    Scheme(String),
    #[error("--database-url is a {url} URL, but the migrations are {dialect} ones")]
    Mismatch { url: Dialect, dialect: Dialect },
    #[error("cannot connect to {what}: {message}")]
    Connect { what: String, message: String },
    #[error("cannot create the scratch database {name}: {message}")]
    Create { name: String, message: String },
    #[error("{file}:{line}: {message}")]
    Apply { file: String, line: u32, message: String },
}

/// The parts of a database URL the drill rewrites: everything up to the
/// database's name, the name, and the query string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbUrl {
    pub dialect: Dialect,
    /// `scheme://user:pass@host:port` (for SQLite, the whole URL).
    prefix: String,
    query: String,
}

impl DbUrl {
    pub fn parse(url: &str) -> Result<DbUrl, ScratchError> {
        let (scheme, rest) = url.split_once(':').ok_or_else(|| ScratchError::Scheme(redact(url)))?;
        let dialect = match scheme {
            "postgres" | "postgresql" => Dialect::Postgres,
            "mysql" | "mariadb" => Dialect::Mysql,
            "sqlite" => return Ok(DbUrl { dialect: Dialect::Sqlite, prefix: url.to_string(), query: String::new() }),
            _ => return Err(ScratchError::Scheme(redact(url))),
        };
        let authority_and_path = rest.strip_prefix("//").ok_or_else(|| ScratchError::Scheme(redact(url)))?;
        let (before_query, query) = match authority_and_path.split_once('?') {
            Some((b, q)) => (b, format!("?{q}")),
            None => (authority_and_path, String::new()),
        };
        let authority = before_query.split('/').next().unwrap_or_default();
        // The mysql crate reads `mysql://` only.
        let scheme = if dialect == Dialect::Mysql { "mysql" } else { scheme };
        Ok(DbUrl { dialect, prefix: format!("{scheme}://{authority}"), query })
    }

    /// The same server and options, another database.
    pub fn with_database(&self, name: &str) -> String {
        format!("{}/{name}{}", self.prefix, self.query)
    }
}

/// The URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(s), Some(at)) if at > s => match url[s + 3..at].split_once(':') {
            Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
            None => url.to_string(),
        },
        _ => url.to_string(),
    }
}

enum Conn {
    Pg(postgres::Client),
    My(mysql::Conn),
    Lite(rusqlite::Connection),
}

/// A scratch database; dropped (or its file deleted) on drop.
pub struct Scratch {
    server: DbUrl,
    name: String,
    /// What the tests get as `DATABASE_URL`.
    pub url: String,
    sqlite_path: Option<PathBuf>,
    conn: Option<Conn>,
    /// The tools' record tables made so far (`bookkeeping`).
    record_tables: Vec<&'static str>,
}

impl Scratch {
    /// Create `name` on `server`'s server and connect to it.
    pub fn create(server: &DbUrl, name: &str) -> Result<Scratch, ScratchError> {
        let mut s = Scratch { server: server.clone(), name: name.to_string(), url: String::new(), sqlite_path: None, conn: None, record_tables: Vec::new() };
        let create_err = |message: String| ScratchError::Create { name: name.to_string(), message };
        match server.dialect {
            Dialect::Postgres => {
                let mut admin = pg_admin(server)?;
                admin.batch_execute(&format!("CREATE DATABASE {name}")).map_err(|e| create_err(pg_error(e)))?;
                s.url = server.with_database(name);
                s.conn = Some(Conn::Pg(postgres::Client::connect(&s.url, postgres::NoTls).map_err(|e| connect_err(&s.url, pg_error(e)))?));
            }
            Dialect::Mysql => {
                let mut admin = my_conn(&server.with_database(""))?;
                admin.query_drop(format!("CREATE DATABASE {name}")).map_err(|e| create_err(e.to_string()))?;
                s.url = server.with_database(name);
                s.conn = Some(Conn::My(my_conn(&s.url)?));
            }
            Dialect::Sqlite => {
                let path = std::env::temp_dir().join(format!("{name}.sqlite3"));
                s.url = format!("sqlite://{}", path.display());
                s.sqlite_path = Some(path.clone());
                let conn = rusqlite::Connection::open(&path).map_err(|e| create_err(e.to_string()))?;
                s.conn = Some(Conn::Lite(conn));
            }
        }
        Ok(s)
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Run one migration's up script as its tool does (in one transaction,
    /// outside any statement by statement, or as one query), and record it
    /// where its tool would (`bookkeeping`).
    pub fn apply(&mut self, dialect: Dialect, m: &Migration) -> Result<(), ScratchError> {
        let started = std::time::Instant::now();
        self.run_script(dialect, m)?;
        if let Some(record) = bookkeeping::record(dialect, m, started.elapsed().as_nanos()) {
            let err = |message: String| ScratchError::Apply {
                file: m.up.path.clone(),
                line: m.up.first_line,
                message: format!("recording it in {}: {message}", record.table),
            };
            if !self.record_tables.contains(&record.table) {
                self.batch(record.create).map_err(err)?;
                self.record_tables.push(record.table);
            }
            self.batch(&record.insert).map_err(err)?;
        }
        Ok(())
    }

    fn run_script(&mut self, dialect: Dialect, m: &Migration) -> Result<(), ScratchError> {
        let script = &m.up;
        let mut statements = Vec::new();
        let mut readable = true;
        for_each_statement(dialect, &script.path, &script.text, script.first_line, |s| {
            if matches!(s.body, StatementBody::Error { tokenizer: true, .. }) {
                readable = false;
            }
            statements.push((s.location.line, s.text));
        });
        let whole = |e: String| ScratchError::Apply { file: script.path.clone(), line: script.first_line, message: e };
        // A script the splitter cannot cut reliably goes to the server whole.
        if !readable || m.transaction == TxMode::OneQuery {
            return self.batch(&script.text).map_err(whole);
        }
        let outside = match m.transaction {
            TxMode::Outside => true,
            // Flyway (and names it might be): outside when every statement needs it.
            TxMode::OutsideWhenAllNeedIt | TxMode::Unknown => {
                !statements.is_empty() && statements.iter().all(|(_, t)| t.to_ascii_uppercase().contains("CONCURRENTLY"))
            }
            TxMode::Wrapped | TxMode::OneQuery => false,
        };
        if !outside {
            self.batch(begin(dialect)).map_err(whole)?;
        }
        for (line, text) in &statements {
            if let Err(message) = self.batch(text) {
                if !outside {
                    let _ = self.batch("ROLLBACK");
                }
                return Err(ScratchError::Apply { file: script.path.clone(), line: *line, message });
            }
        }
        if !outside {
            self.batch("COMMIT").map_err(whole)?;
        }
        Ok(())
    }

    fn batch(&mut self, sql: &str) -> Result<(), String> {
        match self.conn.as_mut() {
            Some(Conn::Pg(c)) => c.batch_execute(sql).map_err(pg_error),
            // Walk every result set: `query_drop` would not report the error of a later statement.
            Some(Conn::My(c)) => (|| -> mysql::Result<()> {
                let mut result = c.query_iter(sql)?;
                while let Some(set) = result.iter() {
                    for row in set {
                        row?;
                    }
                }
                Ok(())
            })()
            .map_err(|e| e.to_string()),
            Some(Conn::Lite(c)) => c.execute_batch(sql).map_err(|e| e.to_string()),
            None => Err("the connection is closed".into()),
        }
    }

    /// Close our session, so that the tests (and the drop) are alone on the database.
    pub fn disconnect(&mut self) {
        self.conn = None;
    }

    fn drop_database(&mut self) -> Result<(), String> {
        self.disconnect();
        match self.server.dialect {
            Dialect::Postgres => {
                let mut admin = pg_admin(&self.server).map_err(|e| e.to_string())?;
                // FORCE: a test process the interrupt left behind may still hold a session.
                admin.batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name)).map_err(pg_error)
            }
            Dialect::Mysql => {
                let mut admin = my_conn(&self.server.with_database("")).map_err(|e| e.to_string())?;
                admin.query_drop(format!("DROP DATABASE IF EXISTS {}", self.name)).map_err(|e| e.to_string())
            }
            Dialect::Sqlite => {
                if let Some(p) = &self.sqlite_path {
                    for suffix in ["", "-wal", "-shm", "-journal"] {
                        let mut f = p.clone().into_os_string();
                        f.push(suffix);
                        let _ = std::fs::remove_file(f);
                    }
                }
                Ok(())
            }
        }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        match self.drop_database() {
            Ok(()) => eprintln!("dropped the scratch database {}", self.name),
            Err(e) => eprintln!("error: could not drop the scratch database {}: {e}", self.name),
        }
    }
}

fn begin(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Mysql => "START TRANSACTION",
        _ => "BEGIN",
    }
}

/// A session on the server's maintenance database (`postgres`), to create and drop.
fn pg_admin(server: &DbUrl) -> Result<postgres::Client, ScratchError> {
    let url = server.with_database("postgres");
    postgres::Client::connect(&url, postgres::NoTls).map_err(|e| connect_err(&url, pg_error(e)))
}

fn my_conn(url: &str) -> Result<mysql::Conn, ScratchError> {
    let opts = mysql::Opts::from_url(url).map_err(|e| connect_err(url, e.to_string()))?;
    mysql::Conn::new(opts).map_err(|e| connect_err(url, e.to_string()))
}

fn connect_err(url: &str, message: String) -> ScratchError {
    ScratchError::Connect { what: redact(url), message }
}

fn pg_error(e: postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{} ({})", db.message(), db.code().code()),
        None => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_keeps_its_server_and_options_with_another_database() {
        let u = DbUrl::parse("postgres://postgres:pw@127.0.0.1:5432/test?sslmode=disable").unwrap();
        assert_eq!(u.dialect, Dialect::Postgres);
        assert_eq!(u.with_database("x"), "postgres://postgres:pw@127.0.0.1:5432/x?sslmode=disable");
        let u = DbUrl::parse("mariadb://root@localhost").unwrap();
        assert_eq!((u.dialect, u.with_database("y").as_str()), (Dialect::Mysql, "mysql://root@localhost/y"));
        assert_eq!(DbUrl::parse("sqlite://app.db").unwrap().dialect, Dialect::Sqlite);
    }

    #[test]
    fn an_unknown_scheme_is_an_error_without_the_password() {
        let e = DbUrl::parse("mongodb://u:secret@h/db").unwrap_err().to_string();
        assert!(e.contains("mongodb://u:***@h/db") && !e.contains("secret"), "{e}");
        assert!(DbUrl::parse("postgres:/nohost").is_err());
    }
}
