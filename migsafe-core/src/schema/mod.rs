//! The schema model: what a folder of migrations builds.
//!
//! [`Schema`] holds tables, views, enum types and indexes with the
//! provenance of each; [`apply`] changes it one statement at a time and
//! returns the [`Event`]s that the rules read. Dropped and renamed objects
//! leave a [`Removal`] behind so that "no such column" can say why.

mod apply;
mod events;
mod pair;
pub mod triggers;
pub mod types;

pub use apply::{analyze, apply_script, History, MigrationEvents};
pub use events::{AlterAlgorithm, AlterLock, Change, ConstraintKind, DataVerb, Event, Inert, Setting, TableOption, TxControl, UnmodelledKind};
pub use pair::analyze_both;
pub use types::{Family, SqlType};

use crate::diag::Location;
use crate::Dialect;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Where something in the schema came from.
pub type Provenance = Location;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Schema {
    pub dialect: Dialect,
    pub tables: BTreeMap<String, Table>,
    pub views: BTreeMap<String, View>,
    pub enums: BTreeMap<String, EnumType>,
    pub indexes: BTreeMap<String, Index>,
    /// Tables, views and columns that a migration dropped or renamed away.
    pub removed: Vec<Removal>,
    /// Domains, by name: a column of a domain has the domain's base type.
    pub domains: BTreeMap<String, SqlType>,
    /// Statements the parser could not read: what they did is not in this model.
    pub unread: Vec<Unread>,
    /// Functions, by name, as far as the triggers that run them matter.
    pub functions: BTreeMap<String, triggers::Function>,
    /// Row triggers that fire before an INSERT.
    pub insert_triggers: Vec<triggers::InsertTrigger>,
}

/// A statement the parser could not read, and the objects its tokens name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unread {
    pub at: Provenance,
    /// Tables, indexes and columns, folded (see `Change::Unparsed`).
    pub names: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Table {
    pub name: String,
    pub columns: Vec<Column>,
    pub primary_key: Vec<String>,
    pub unique: Vec<Vec<String>>,
    pub foreign_keys: Vec<ForeignKey>,
    pub checks: Vec<CheckConstraint>,
    pub created: Provenance,
}

/// A CHECK constraint: its expression as written (for display) and what the
/// model read from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckConstraint {
    pub name: Option<String>,
    pub text: String,
    /// The columns it proves NOT NULL (`col IS NOT NULL`, alone or in an AND).
    pub proves_not_null: Vec<String>,
    /// False while it was added `NOT VALID` and not validated since: it
    /// proves nothing about the rows already there.
    pub validated: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Column {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: SqlType,
    pub nullable: bool,
    pub default: Option<String>,
    /// serial / identity / auto_increment / rowid alias: the database fills it.
    pub identity: bool,
    /// A generated (computed) column: never written.
    pub generated: bool,
    pub created: Provenance,
    /// The statement that last changed the type, nullability or default.
    pub changed: Option<Provenance>,
}

impl Column {
    /// An INSERT that omits this column fails.
    pub fn required(&self) -> bool {
        !self.nullable && self.default.is_none() && !self.identity && !self.generated
    }

    /// A read of this column can return NULL. `nullable` is what the catalog
    /// says; SQLite's catalog calls an `INTEGER PRIMARY KEY` nullable, but
    /// that column is the rowid (the model's only SQLite identity): a NULL
    /// written to it becomes a new rowid, so it never reads back as NULL.
    pub fn reads_null(&self, dialect: crate::Dialect) -> bool {
        self.nullable && !(dialect == crate::Dialect::Sqlite && self.identity)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ForeignKey {
    pub name: Option<String>,
    pub columns: Vec<String>,
    pub references: String,
    pub referred_columns: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct View {
    pub name: String,
    pub materialized: bool,
    pub columns: Vec<String>,
    /// (table, column) pairs the view's query reads.
    pub reads: Vec<(String, String)>,
    /// The table an INSERT, UPDATE or DELETE on the view writes to, when the
    /// view is simple enough for the database to do that itself (PostgreSQL's
    /// and MySQL's automatically updatable views: one table, plain columns,
    /// no DISTINCT, grouping, aggregates or LIMIT); `None` when writes fail.
    pub writes_to: Option<String>,
    pub created: Provenance,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EnumType {
    pub name: String,
    pub values: Vec<String>,
    pub created: Provenance,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Index {
    pub name: String,
    pub table: String,
    pub columns: Vec<String>,
    pub unique: bool,
    pub concurrently: bool,
    pub partial: bool,
    pub created: Provenance,
}

/// A trace of something that is gone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Removal {
    pub table: String,
    /// `None`: the whole table or view.
    pub column: Option<String>,
    /// `Some(new name)` for a rename.
    pub renamed_to: Option<String>,
    pub at: Provenance,
}

impl Schema {
    pub fn new(dialect: Dialect) -> Self {
        Schema {
            dialect,
            tables: BTreeMap::new(),
            views: BTreeMap::new(),
            enums: BTreeMap::new(),
            indexes: BTreeMap::new(),
            removed: Vec::new(),
            domains: BTreeMap::new(),
            unread: Vec::new(),
            functions: BTreeMap::new(),
            insert_triggers: Vec::new(),
        }
    }

    pub fn table(&self, key: &str) -> Option<&Table> {
        self.tables.get(key)
    }

    pub fn column(&self, table: &str, column: &str) -> Option<&Column> {
        self.tables.get(table)?.column(column)
    }

    /// Columns of a table or view.
    pub fn relation_columns(&self, key: &str) -> Option<Vec<String>> {
        if let Some(t) = self.tables.get(key) {
            return Some(t.columns.iter().map(|c| c.name.clone()).collect());
        }
        self.views.get(key).map(|v| v.columns.clone())
    }

    pub fn has_relation(&self, key: &str) -> bool {
        self.tables.contains_key(key) || self.views.contains_key(key)
    }

    /// All table and view names, for suggestions.
    pub fn relation_names(&self) -> impl Iterator<Item = &str> {
        self.tables.keys().chain(self.views.keys()).map(|s| s.as_str())
    }

    /// Why `table.column` (or `table` with `column = None`) is missing, if a migration removed it.
    pub fn removal(&self, table: &str, column: Option<&str>) -> Option<&Removal> {
        self.removed.iter().rev().find(|r| r.table == table && r.column.as_deref() == column)
    }

    /// Statements the parser could not read that name `table` (by its key or
    /// its unqualified name): they may have changed it.
    pub fn unread_naming(&self, table: &str) -> Vec<&Unread> {
        let base = crate::ident::base_name(table);
        self.unread.iter().filter(|u| u.names.iter().any(|n| n == table || n == base)).collect()
    }

    /// " (note: …)" for a message about `table`, when unread statements name it.
    pub fn unread_note(&self, table: &str) -> String {
        let at: Vec<String> = self.unread_naming(table).iter().map(|u| format!("{}:{}", u.at.file, u.at.line)).collect();
        match at.as_slice() {
            [] => String::new(),
            [one] => format!(" (note: the statement at {one}, which migsafe cannot parse, names `{table}`: what it did to it is not modelled)"),
            many => format!(" (note: the statements at {}, which migsafe cannot parse, name `{table}`: what they did to it is not modelled)", many.join(", ")),
        }
    }

    /// The enum type a column holds, if it is enum-typed.
    pub fn column_enum(&self, table: &str, column: &str) -> Option<&EnumType> {
        let col = self.column(table, column)?;
        col.ty.user_type.as_ref().and_then(|t| self.enums.get(t))
    }

    /// Every (table, column) whose type is the enum `ty`.
    pub fn columns_of_enum(&self, ty: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for t in self.tables.values() {
            for c in &t.columns {
                if c.ty.user_type.as_deref() == Some(ty) {
                    out.push((t.name.clone(), c.name.clone()));
                }
            }
        }
        out
    }

    /// The columns as `information_schema.columns` (or `PRAGMA table_info`)
    /// shows them: the form the fidelity tests compare with a real database.
    pub fn catalog(&self) -> Catalog {
        self.tables
            .values()
            .map(|t| {
                let cols = t.columns.iter().map(|c| (c.name.clone(), CatalogColumn { data_type: c.ty.catalog.clone(), nullable: c.nullable })).collect();
                (t.name.clone(), cols)
            })
            .collect()
    }
}

impl Table {
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }
    pub fn column_mut(&mut self, name: &str) -> Option<&mut Column> {
        self.columns.iter_mut().find(|c| c.name == name)
    }
}

/// table → column → (catalog type name, nullable).
pub type Catalog = BTreeMap<String, BTreeMap<String, CatalogColumn>>;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CatalogColumn {
    pub data_type: String,
    pub nullable: bool,
}

/// Resolving SQL (`footprint`) reads the schema through this.
impl crate::footprint::Catalog for Schema {
    fn has_relation(&self, key: &str) -> bool {
        Schema::has_relation(self, key)
    }
    fn relation_names(&self) -> Box<dyn Iterator<Item = &str> + '_> {
        Box::new(Schema::relation_names(self))
    }
    fn relation_columns(&self, key: &str) -> Option<Vec<String>> {
        Schema::relation_columns(self, key)
    }
    fn removal(&self, table: &str, column: Option<&str>) -> Option<&Removal> {
        Schema::removal(self, table, column)
    }
}
