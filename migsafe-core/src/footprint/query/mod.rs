//! Resolving one SQL statement against a schema into a [`QueryFootprint`].
//!
//! The entry points and the resolver's state live here: the relations in
//! scope, the CTEs, how a table name resolves (a CTE, a table or view of the
//! schema, the engine's own catalog, else an issue). The walk is split by
//! concern: `collect` gathers the column references and literals of an
//! expression, `select` walks queries (WITH, FROM and joins, the select
//! list, `*`), `columns` resolves a column reference in its scopes, and
//! `write` walks INSERT, UPDATE, DELETE and RETURNING.

mod collect;
mod columns;
mod select;
mod write;

use super::{Access, ColumnUse, Issue, QueryFootprint, TableAccess, TableUse};
use crate::ident::{ident, object_name};
use crate::schema::Removal;
use crate::suggest::did_you_mean;
use crate::Dialect;
use sqlparser::ast::{Ident, ObjectName, ObjectNamePart, Statement};
use sqlparser::parser::Parser;

/// What resolving SQL needs to know of a schema: which tables and views
/// exist, their columns, and what dropped or renamed a name. Resolution
/// reads the schema only through this; `schema::Schema` implements it.
/// (Not `schema::Catalog`, the catalog-table view the fidelity tests compare.)
pub trait Catalog {
    /// Whether a table or view has this key.
    fn has_relation(&self, key: &str) -> bool;
    /// Every table and view, for "did you mean".
    fn relation_names(&self) -> Box<dyn Iterator<Item = &str> + '_>;
    /// A table's or view's columns, in order.
    fn relation_columns(&self, key: &str) -> Option<Vec<String>>;
    /// The latest drop or rename of a table (`column: None`) or of one of its columns.
    fn removal(&self, table: &str, column: Option<&str>) -> Option<&Removal>;
}

/// SQL that does not parse, with the location inside the SQL text (1-based).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SqlError {
    pub message: String,
    pub line: u32,
    pub column: u32,
}

/// Parse `sql` (exactly one statement) in `dialect` and resolve it against `catalog`.
pub fn analyze_sql(dialect: Dialect, catalog: &dyn Catalog, sql: &str) -> Result<QueryFootprint, SqlError> {
    analyze_sql_with(dialect, catalog, sql, None)
}

/// [`analyze_sql`] for rows decoded by name into a struct: a top-level `*`
/// reads only the columns in `only` (the rest are returned and ignored).
pub fn analyze_sql_with(dialect: Dialect, catalog: &dyn Catalog, sql: &str, only: Option<&[String]>) -> Result<QueryFootprint, SqlError> {
    let d = dialect.parser_dialect();
    let mut stmts = Parser::new(d.as_ref()).try_with_sql(sql).and_then(|mut p| p.parse_statements()).map_err(|e| {
        let raw = e.to_string();
        let msg = raw.trim_start_matches("sql parser error: ").to_string();
        let (message, line, column) = match msg.rfind(" at Line: ") {
            Some(i) => {
                let tail = &msg[i + 10..];
                let mut it = tail.split(", Column: ");
                let l = it.next().and_then(|x| x.trim().parse().ok()).unwrap_or(1);
                let c = it.next().and_then(|x| x.trim().parse().ok()).unwrap_or(1);
                (msg[..i].to_string(), l, c)
            }
            None => (msg, 1, 1),
        };
        SqlError { message, line, column }
    })?;
    match stmts.len() {
        1 => Ok(analyze_statement_with(dialect, catalog, &stmts.remove(0), only)),
        0 => Err(SqlError { message: "empty query: expected one SQL statement".into(), line: 1, column: 1 }),
        n => Err(SqlError { message: format!("expected one SQL statement, found {n}"), line: 1, column: 1 }),
    }
}

/// Resolve an already parsed statement.
pub fn analyze_statement(dialect: Dialect, catalog: &dyn Catalog, stmt: &Statement) -> QueryFootprint {
    analyze_statement_with(dialect, catalog, stmt, None)
}

fn analyze_statement_with(dialect: Dialect, catalog: &dyn Catalog, stmt: &Statement, only: Option<&[String]>) -> QueryFootprint {
    let mut r = Resolver { catalog, d: dialect, fp: QueryFootprint::default(), ctes: Vec::new(), only, depth: 0, merged: Vec::new() };
    match stmt {
        Statement::Query(q) => {
            let out = r.query(q, &[]);
            r.fp.output = out;
        }
        Statement::Insert(ins) => r.insert(ins, &[]),
        Statement::Update(up) => r.update(up, &[]),
        Statement::Delete(del) => r.delete(del, &[]),
        _ => {}
    }
    r.fp.normalize();
    r.fp
}

#[derive(Debug, Clone)]
enum RelKind {
    Table(String),
    /// A table that does not resolve: references through it are not reported again.
    Unknown,
    /// A CTE, subquery or function: its columns, when known.
    Derived(Option<Vec<String>>),
}

#[derive(Debug, Clone)]
struct Rel {
    alias: String,
    kind: RelKind,
}

type Scope = Vec<Rel>;

struct Resolver<'s> {
    catalog: &'s dyn Catalog,
    d: Dialect,
    fp: QueryFootprint,
    ctes: Vec<Vec<(String, Option<Vec<String>>)>>,
    /// The columns a by-name row decoder reads: a top-level `*` reads only these.
    only: Option<&'s [String]>,
    /// How deep in nested queries the resolver is (1: the statement's own query).
    depth: usize,
    /// Columns a `JOIN … USING (…)` merged into one.
    merged: Vec<String>,
}

/// A relation of the engine's own catalog (`pg_catalog.pg_tables`,
/// `information_schema.columns`, `sqlite_master`, MySQL's `dual`), which no
/// migration creates or drops.
pub(crate) fn is_system_relation(d: Dialect, key: &str) -> bool {
    let (schema, name) = key.rsplit_once('.').unwrap_or(("", key));
    let schema = schema.to_ascii_lowercase();
    let name = name.to_ascii_lowercase();
    match d {
        Dialect::Postgres => schema == "pg_catalog" || schema == "information_schema" || (schema.is_empty() && name.starts_with("pg_")),
        Dialect::Mysql => matches!(schema.as_str(), "information_schema" | "mysql" | "performance_schema" | "sys") || (schema.is_empty() && name == "dual"),
        Dialect::Sqlite => name.starts_with("sqlite_") || name.starts_with("pragma_"),
    }
}

/// A column every table of the engine has without declaring it: SQLite's
/// rowid and its aliases (`ORDER BY rowid`), PostgreSQL's system columns
/// (`ctid`, `xmin`, …). MySQL's `_rowid` names an integer primary key, which
/// is declared, so it is not one.
pub(crate) fn is_system_column(d: Dialect, col: &str) -> bool {
    let col = col.to_ascii_lowercase();
    match d {
        Dialect::Sqlite => matches!(col.as_str(), "rowid" | "oid" | "_rowid_"),
        Dialect::Postgres => matches!(col.as_str(), "ctid" | "xmin" | "xmax" | "cmin" | "cmax" | "tableoid"),
        Dialect::Mysql => false,
    }
}

fn last_ident(name: &ObjectName) -> Option<&Ident> {
    name.0.iter().rev().find_map(|p| match p {
        ObjectNamePart::Identifier(i) => Some(i),
        _ => None,
    })
}

impl<'s> Resolver<'s> {
    fn id(&self, i: &Ident) -> String {
        ident(self.d, i)
    }

    fn use_col(&mut self, table: &str, column: &str, access: Access, values: Vec<String>) {
        self.fp.columns.push(ColumnUse { table: table.to_string(), column: column.to_string(), access, values });
    }

    fn cte_lookup(&self, name: &str) -> Option<Option<Vec<String>>> {
        self.ctes.iter().rev().flat_map(|level| level.iter().rev()).find(|(n, _)| n == name).map(|(_, c)| c.clone())
    }

    /// Resolve a table name in FROM / INSERT INTO / UPDATE.
    fn relation(&mut self, name: &ObjectName, alias: Option<&Ident>, access: TableAccess) -> Rel {
        let key = object_name(self.d, name);
        let alias = alias.map(|a| self.id(a)).unwrap_or_else(|| crate::ident::base_name(&key).to_string());
        if name.0.len() == 1 {
            if let Some(cols) = self.cte_lookup(&key) {
                return Rel { alias, kind: RelKind::Derived(cols) };
            }
        }
        if self.catalog.has_relation(&key) {
            self.fp.tables.push(TableUse { table: key.clone(), access });
            Rel { alias, kind: RelKind::Table(key) }
        } else if is_system_relation(self.d, &key) {
            // The engine's own catalog: there whatever the migrations do.
            Rel { alias, kind: RelKind::Unknown }
        } else {
            let suggestion = did_you_mean(&key, self.catalog.relation_names());
            let removed = self.catalog.removal(&key, None).cloned();
            self.fp.issues.push(Issue::UnknownTable { name: key, suggestion, removed });
            Rel { alias, kind: RelKind::Unknown }
        }
    }

    fn rel_columns(&self, rel: &Rel) -> Option<Vec<String>> {
        match &rel.kind {
            RelKind::Table(k) => self.catalog.relation_columns(k),
            RelKind::Derived(c) => c.clone(),
            RelKind::Unknown => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migrations::{MigrationSource, SourceFile};
    use crate::schema::{analyze, Schema};

    pub(super) fn schema(sql: &str) -> Schema {
        let h = analyze(Dialect::Postgres, &MigrationSource::new("m", vec![SourceFile::new("V1__s.sql", sql)]));
        assert!(!h.has_errors(), "{:?}", h.diagnostics);
        h.schema
    }

    pub(super) fn uses(fp: &QueryFootprint) -> Vec<String> {
        fp.columns
            .iter()
            .map(|u| format!("{:?} {}.{}{}", u.access, u.table, u.column, if u.values.is_empty() { String::new() } else { format!("={}", u.values.join("|")) }))
            .collect()
    }

    pub(super) const S: &str = "CREATE TABLE orders (id INT PRIMARY KEY, customer_id INT NOT NULL, status TEXT NOT NULL, total INT);\nCREATE TABLE customers (id INT PRIMARY KEY, name TEXT);";
    #[test]
    fn the_engines_catalog_is_always_there() {
        let s = schema("CREATE TABLE t (id INT);");
        for sql in [
            "SELECT relname FROM pg_catalog.pg_class",
            "SELECT count(*) FROM pg_stat_activity",
            "SELECT column_name FROM information_schema.columns WHERE table_name = 't'",
        ] {
            let fp = analyze_sql(Dialect::Postgres, &s, sql).unwrap();
            assert!(fp.issues.is_empty(), "{sql}: {:?}", fp.issues);
        }
        let fp = analyze_sql(Dialect::Postgres, &s, "SELECT x FROM pg_nothing_real.t2").unwrap();
        assert_eq!(fp.issues.len(), 1);
    }
}
