//! migsafe's analysis core.
//!
//! Everything here is pure: callers hand in text (migration files, Rust
//! sources) with the paths to show, and get back values plus diagnostics.
//! The CLI and the proc macros do the IO.
//!
//! The pipeline:
//! - [`migrations`] discovers and orders migration files, pairs up/down scripts;
//! - [`sql`] splits a script into statements with their locations;
//! - [`schema`] applies statements to a [`schema::Schema`] and records every
//!   [`schema::Event`] with its provenance;
//! - [`annotations`] parses `sql!`, `#[derive(Table)]`, `#[derive(SqlEnum)]`
//!   and `#[touches]` (shared by the macros and the CLI);
//! - [`footprint`] resolves those declarations against a schema into the
//!   (table, column, access) triples they touch;
//!   and says whether each declaration works on that schema;
//! - [`rules`] / [`check`] compare two revisions and the pending migrations.

pub mod annotations;
pub mod check;
pub mod config;
pub mod diag;
pub mod dialect;
pub mod footprint;
pub mod ident;
pub mod migrations;
pub mod rules;
pub mod schema;
pub mod sources;
pub mod sql;
pub mod suggest;

pub use diag::{Diagnostic, Location, Severity};
pub use dialect::Dialect;
