//! The start-up guard: the binary's footprint checked against the live
//! database it is about to serve.
//!
//! A driver module (one per cargo feature) reads the catalog with one query
//! for every column of every table and one for every enum value, never one
//! per site; [`verify_catalog`] hands the rows and the decoded footprint to
//! `migsafe_core::live`, which builds the schema and resolves each site as
//! `cargo migsafe check` and the macros do. This module owns the report,
//! the policy and the errors.

use crate::{Decl, EnumTarget, Site, Undecodable};
use migsafe_core::annotations as core;
use migsafe_core::rules::Finding;
use migsafe_core::Severity;
use std::fmt;

#[cfg(feature = "mysql")]
pub mod mysql;
#[cfg(feature = "rusqlite")]
pub mod rusqlite;
#[cfg(any(feature = "sqlx-postgres", feature = "sqlx-mysql"))]
pub mod sqlx;
use migsafe_core::live::queries as sql;
#[cfg(feature = "tokio-postgres")]
pub mod tokio_postgres;

pub use migsafe_core::live::{CatalogColumn, CatalogEnumValue};
pub use migsafe_core::Dialect;

/// What a driver read of a live database's catalog.
#[derive(Debug, Clone)]
pub struct Catalog {
    pub dialect: Dialect,
    /// Every column of every table and view, in catalog order.
    pub columns: Vec<CatalogColumn>,
    /// Every value of every enum type (PostgreSQL), in sort order.
    pub enums: Vec<CatalogEnumValue>,
}

/// What [`guard`](crate::guard) does when the binary does not work on the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Policy {
    /// Refuse to start: return the report as an error.
    #[default]
    Fail,
    /// Start anyway: print the report to stderr.
    Warn,
}

/// The binary's footprint against a live database.
#[derive(Debug, Clone)]
pub struct Report {
    /// Each problem, with `check`'s rule id (`head-schema-mismatch`) and the site.
    pub findings: Vec<Finding>,
    /// Sites of this binary the runtime could not read (see [`footprint_errors`](crate::footprint_errors)).
    pub undecodable: Vec<Undecodable>,
    /// How many sites were checked, and against how many tables and views.
    pub sites: usize,
    pub relations: usize,
}

impl Report {
    /// No error-level finding and every site readable.
    pub fn is_ok(&self) -> bool {
        self.undecodable.is_empty() && self.findings.iter().all(|f| f.severity != Severity::Error)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_ok() && self.findings.is_empty() {
            return write!(f, "migsafe: the {} sites of this binary work on the live database ({} tables and views)", self.sites, self.relations);
        }
        for x in &self.findings {
            writeln!(f, "{}[{}]: {}", x.severity, x.rule, x.message)?;
            for s in &x.sites {
                write!(f, "  --> {}:{}", s.file, s.line)?;
                if !s.item.is_empty() {
                    write!(f, " ({})", s.item)?;
                }
                writeln!(f)?;
            }
            writeln!(f, "  = help: {}", x.help)?;
        }
        if !self.undecodable.is_empty() {
            writeln!(
                f,
                "error: {} sites of this binary could not be read: migsafe-macros and migsafe-runtime versions differ? (use one migsafe release for both)",
                self.undecodable.len()
            )?;
            for u in &self.undecodable {
                writeln!(f, "  {u}")?;
            }
        }
        let errors = self.findings.iter().filter(|x| x.severity == Severity::Error).count() + usize::from(!self.undecodable.is_empty());
        write!(f, "migsafe: {errors} errors, {} sites checked against the live database", self.sites)
    }
}

/// The catalog could not be read.
#[derive(Debug)]
pub struct VerifyError {
    /// `tokio-postgres`, `rusqlite`, ….
    pub driver: &'static str,
    /// Which catalog query failed.
    pub query: &'static str,
    pub source: Box<dyn std::error::Error + Send + Sync>,
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "migsafe: could not read the database's {} with {}: {}", self.query, self.driver, self.source)
    }
}

impl std::error::Error for VerifyError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.source)
    }
}

/// Why [`guard`](crate::guard) refuses to start the service.
#[derive(Debug)]
pub enum GuardError {
    /// The catalog could not be read (under either policy: nothing was checked).
    Verify(VerifyError),
    /// The binary does not work on the database (under [`Policy::Fail`]).
    Incompatible(Report),
}

impl fmt::Display for GuardError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GuardError::Verify(e) => e.fmt(f),
            GuardError::Incompatible(r) => write!(f, "{r}"),
        }
    }
}

impl std::error::Error for GuardError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            GuardError::Verify(e) => Some(e),
            GuardError::Incompatible(_) => None,
        }
    }
}

impl From<VerifyError> for GuardError {
    fn from(e: VerifyError) -> Self {
        GuardError::Verify(e)
    }
}

/// This binary's footprint against a catalog (what every driver's `verify` ends with).
pub fn verify_catalog(catalog: &Catalog) -> Report {
    verify_sites(catalog, crate::footprint(), crate::footprint_errors())
}

pub(crate) fn verify_sites<'a>(catalog: &Catalog, sites: impl IntoIterator<Item = &'a Site>, undecodable: &[Undecodable]) -> Report {
    let schema = migsafe_core::live::schema_from_catalog(catalog.dialect, &catalog.columns, &catalog.enums);
    let sites: Vec<core::Site> = sites.into_iter().map(to_core).collect();
    let findings = migsafe_core::live::verify(&schema, &sites);
    Report { findings, undecodable: undecodable.to_vec(), sites: sites.len(), relations: schema.tables.len() + schema.views.len() }
}

/// `policy` applied to a report.
pub fn enforce(report: Report, policy: Policy) -> Result<Report, GuardError> {
    if report.is_ok() {
        return Ok(report);
    }
    match policy {
        Policy::Fail => Err(GuardError::Incompatible(report)),
        Policy::Warn => {
            eprintln!("{report}");
            Ok(report)
        }
    }
}

/// A runtime site as the core's declaration. A `#[derive(Table)]` records
/// its columns but not its fields' Rust types, so it is checked as reading
/// each column (they exist), not for decoding.
fn to_core(site: &Site) -> core::Site {
    let decl = match site.decl {
        Decl::Query { sql } => core::Decl::Query(core::SqlDecl { sql: sql.into(), row: None, schema_typed: false, offline: Vec::new() }),
        Decl::Table { table, columns } => core::Decl::Touches(core::TouchesDecl {
            refs: columns
                .iter()
                .map(|c| core::TouchRef { access: migsafe_core::footprint::Access::Read, table: table.into(), column: (*c).into(), line: site.line })
                .collect(),
        }),
        Decl::SqlEnum { target, values, has_other } => core::Decl::SqlEnum(core::EnumDecl {
            rust_name: site.item.into(),
            target: match target {
                EnumTarget::Type(name) => core::EnumTarget::Type { name: name.into() },
                EnumTarget::Column { table, column } => core::EnumTarget::Column { table: table.into(), column: column.into() },
            },
            variants: values.iter().map(|v| core::VariantDecl { variant: (*v).into(), value: Some((*v).into()), line: site.line }).collect(),
            has_other,
        }),
        Decl::Touches { columns } => core::Decl::Touches(core::TouchesDecl {
            refs: columns.iter().map(|t| core::TouchRef { access: t.access, table: t.table.into(), column: t.column.into(), line: site.line }).collect(),
        }),
    };
    core::Site { file: site.file.into(), line: site.line, item: site.item.into(), source: migsafe_core::sources::SourceId::Annotation, decl }
}

#[cfg(test)]
mod tests;
