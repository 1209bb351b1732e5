//! Footprints: which tables and columns a piece of code touches, and how.
//!
//! [`query`] resolves a SQL statement against a [`Schema`]: unqualified
//! columns find their table, `*` expands, aliases and CTEs are followed.
//! References that resolve nowhere become [`Issue`]s, not errors: the
//! caller decides (a compile error in the macros, a finding in `check`).

pub mod query;
pub mod site;

pub use query::{analyze_sql, analyze_sql_with, analyze_statement, Catalog, SqlError};
pub use site::{resolve_site, Problem, ResolvedSite, Target};

use crate::schema::Removal;
use serde::Serialize;

/// How a column is touched: the one definition, shared with the site encoding.
pub use migsafe_site::Access;

/// One column touched one way; `values` are the literals written into it or compared with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ColumnUse {
    pub table: String,
    pub column: String,
    pub access: Access,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TableAccess {
    Select,
    Insert,
    Update,
    Delete,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableUse {
    pub table: String,
    pub access: TableAccess,
}

/// The columns an INSERT supplies, to find required columns it omits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InsertShape {
    pub table: String,
    pub columns: Vec<String>,
}

/// A reference that does not resolve against the schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Issue {
    UnknownTable {
        name: String,
        suggestion: Option<String>,
        #[serde(skip)]
        removed: Option<Removal>,
    },
    UnknownColumn {
        table: Option<String>,
        column: String,
        suggestion: Option<String>,
        #[serde(skip)]
        removed: Option<Removal>,
    },
    AmbiguousColumn {
        column: String,
        tables: Vec<String>,
    },
}

impl Issue {
    pub fn message(&self) -> String {
        match self {
            Issue::UnknownTable { name, suggestion, removed } => {
                let mut m = format!("no table or view `{name}` in the schema the migrations build");
                push_why(&mut m, removed.as_ref());
                if let Some(s) = suggestion {
                    m.push_str(&format!("; did you mean `{s}`?"));
                }
                m
            }
            Issue::UnknownColumn { table, column, suggestion, removed } => {
                let mut m = match table {
                    Some(t) => format!("no column `{column}` in table `{t}`"),
                    None => format!("no column `{column}` in any table of the query"),
                };
                push_why(&mut m, removed.as_ref());
                if let Some(s) = suggestion {
                    m.push_str(&format!("; did you mean `{s}`?"));
                }
                m
            }
            Issue::AmbiguousColumn { column, tables } => {
                format!("column `{column}` is ambiguous: it is in {}", tables.iter().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(" and "))
            }
        }
    }
}

fn push_why(m: &mut String, removed: Option<&Removal>) {
    if let Some(r) = removed {
        match &r.renamed_to {
            Some(to) => m.push_str(&format!(" (renamed to `{to}` by {}:{})", r.at.file, r.at.line)),
            None => m.push_str(&format!(" (dropped by {}:{})", r.at.file, r.at.line)),
        }
    }
}

/// Everything one SQL statement touches.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct QueryFootprint {
    pub columns: Vec<ColumnUse>,
    pub tables: Vec<TableUse>,
    pub inserts: Vec<InsertShape>,
    /// Output column names (for views and derived tables).
    #[serde(skip)]
    pub output: Vec<String>,
    pub issues: Vec<Issue>,
}

impl QueryFootprint {
    /// Merge duplicate uses (same table, column, access), keeping all values.
    pub fn normalize(&mut self) {
        let mut merged: Vec<ColumnUse> = Vec::new();
        for u in self.columns.drain(..) {
            if let Some(m) = merged.iter_mut().find(|m| m.table == u.table && m.column == u.column && m.access == u.access) {
                for v in u.values {
                    if !m.values.contains(&v) {
                        m.values.push(v);
                    }
                }
            } else {
                merged.push(u);
            }
        }
        self.columns = merged;
        self.tables.dedup();
        let mut seen = Vec::new();
        self.issues.retain(|i| {
            if seen.contains(i) {
                false
            } else {
                seen.push(i.clone());
                true
            }
        });
    }
}
