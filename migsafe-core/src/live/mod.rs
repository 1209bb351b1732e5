//! A live database's catalog as a [`Schema`], and a binary's footprint
//! checked against it: the analysis behind `migsafe_runtime::guard` and
//! `cargo migsafe verify`.
//!
//! The runtime and the CLI send the catalog queries of [`queries`] (one per
//! kind of object, never one per site or table) and hand the rows here as
//! plain data; this module builds the same [`Schema`] the migrations build
//! and resolves each site with [`resolve_site`], so the findings carry
//! `check`'s rule id (`head-schema-mismatch`) and the macros' wording;
//! [`drift`] compares the schema the migrations build with the catalog. No IO.

pub mod drift;
pub mod queries;

use crate::annotations::{Decl, Site};
use crate::check::{Revision, SiteRef, SiteUse};
use crate::diag::Location;
use crate::footprint::resolve_site;
use crate::ident::qualify;
use crate::rules::{Finding, HEAD_SCHEMA_MISMATCH};
use crate::schema::types::normalize;
use crate::schema::{Column, EnumType, Family, Schema, Table, View};
use crate::Dialect;

/// One column of a table or view, as the catalog shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogColumn {
    /// The table's schema (PostgreSQL); empty for MySQL and SQLite, whose
    /// connection names the database.
    pub schema: String,
    pub table: String,
    /// The relation is a view (or materialized view): its columns are read, never required.
    pub view: bool,
    pub column: String,
    /// The type as declared: PostgreSQL's `format_type` (`character
    /// varying(16)`, `order_status`, `text[]`), MySQL's `COLUMN_TYPE`
    /// (`enum('a','b')`, `bigint(20) unsigned`), SQLite's declared type.
    pub data_type: String,
    /// The enum type of the column (PostgreSQL), as `(schema, name)`.
    pub enum_type: Option<(String, String)>,
    pub nullable: bool,
    pub has_default: bool,
    /// Filled by the database: identity, serial's default, auto_increment, SQLite's rowid alias.
    pub identity: bool,
    pub generated: bool,
}

/// One value of a database enum type (PostgreSQL's `pg_enum`), in sort order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogEnumValue {
    pub schema: String,
    pub type_name: String,
    pub value: String,
}

/// One index of a table, as the catalog shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogIndex {
    /// The table's schema (PostgreSQL); empty for MySQL and SQLite.
    pub schema: String,
    pub table: String,
    pub name: String,
    /// The key columns in order (an expression's place left out).
    pub columns: Vec<String>,
    pub unique: bool,
    /// The primary key's index.
    pub primary: bool,
}

/// One column's default, as the database prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogDefault {
    pub schema: String,
    pub table: String,
    pub column: String,
    pub expression: String,
}

/// Everything `cargo migsafe verify` reads of a live database.
#[derive(Debug, Clone)]
pub struct LiveCatalog {
    pub dialect: Dialect,
    pub columns: Vec<CatalogColumn>,
    pub enums: Vec<CatalogEnumValue>,
    pub indexes: Vec<CatalogIndex>,
    pub defaults: Vec<CatalogDefault>,
}

/// A table or type's key in the schema model: `name`, or `schema.name`
/// outside the dialect's default schema.
pub(crate) fn key(dialect: Dialect, schema: &str, name: &str) -> String {
    if schema.is_empty() {
        name.to_string()
    } else {
        qualify(dialect, &[schema.to_string(), name.to_string()])
    }
}

/// Where the live schema "came from", for findings and messages.
fn live_location() -> Location {
    Location { file: "<live database>".into(), line: 0, column: 0 }
}

/// The [`Schema`] a live database's catalog describes (rows in catalog order).
pub fn schema_from_catalog(dialect: Dialect, columns: &[CatalogColumn], enums: &[CatalogEnumValue]) -> Schema {
    let mut schema = Schema::new(dialect);
    let key = |s: &str, name: &str| key(dialect, s, name);
    for v in enums {
        let k = key(&v.schema, &v.type_name);
        schema.enums.entry(k.clone()).or_insert_with(|| EnumType { name: k, values: Vec::new(), created: live_location() }).values.push(v.value.clone());
    }
    for c in columns {
        let table = key(&c.schema, &c.table);
        if c.view {
            let view = schema.views.entry(table.clone()).or_insert_with(|| View {
                name: table,
                materialized: false,
                columns: Vec::new(),
                reads: Vec::new(),
                writes_to: None,
                created: live_location(),
            });
            view.columns.push(c.column.clone());
            continue;
        }
        let mut ty = normalize(dialect, &c.data_type);
        if let Some((s, n)) = &c.enum_type {
            let k = key(s, n);
            ty.family = Family::Enum;
            ty.catalog = "USER-DEFINED".into();
            ty.user_type = Some(k);
        }
        let column = Column {
            name: c.column.clone(),
            ty,
            nullable: c.nullable,
            default: c.has_default.then(|| "DEFAULT".to_string()),
            identity: c.identity,
            generated: c.generated,
            created: live_location(),
            changed: None,
        };
        schema
            .tables
            .entry(table.clone())
            .or_insert_with(|| Table {
                name: table,
                columns: Vec::new(),
                primary_key: Vec::new(),
                unique: Vec::new(),
                foreign_keys: Vec::new(),
                checks: Vec::new(),
                created: live_location(),
            })
            .columns
            .push(column);
    }
    schema
}

/// Every problem of `sites` on the live `schema`, as `head-schema-mismatch`
/// findings (what `check` reports for N on the schema the pending
/// migrations build), in site order.
pub fn verify(schema: &Schema, sites: &[Site]) -> Vec<Finding> {
    verify_as(schema, sites, "this binary")
}

/// [`verify`] for code that is not the running binary: `who` names it in
/// the messages (`cargo migsafe verify`: "the code of the working tree").
pub fn verify_as(schema: &Schema, sites: &[Site], who: &str) -> Vec<Finding> {
    let enums: Vec<_> = sites.iter().filter_map(|s| if let Decl::SqlEnum(e) = &s.decl { Some(e) } else { None }).collect();
    let mut out = Vec::new();
    for site in sites {
        let resolved = resolve_site(schema, &site.decl, &enums);
        for p in resolved.problems {
            let table = p.table.clone().unwrap_or_else(|| site.item.clone());
            let f = Finding::new(&HEAD_SCHEMA_MISMATCH, table, p.column.as_deref())
                .sites(vec![SiteRef::new(Revision::Head, &site.file, site.line, &site.item, SiteUse::Declares)])
                .message(format!(
                    "{who} does not work on the live database: {}",
                    p.message.replace("in the schema the migrations build", "in the live database")
                ))
                .help("make the code and the database agree: deploy the migrations this binary was built against, or a binary built against this database");
            out.push(f);
        }
    }
    out
}

#[cfg(test)]
mod tests;
