//! The annotation grammar: `sql!`, `#[derive(Table)]`, `#[derive(SqlEnum)]`
//! and `#[touches(..)]`, parsed with syn.
//!
//! The proc macros and `cargo migsafe` call the same parsers, so the
//! footprint the CLI reads from a git revision is the one the compiler sees.
//! Each parser collects every error (with its span) before returning.

mod parse;

pub use crate::sources::scan_file;
pub use parse::{parse_enum, parse_sql, parse_table, parse_touches, rust_type, Parsed};

use serde::Serialize;

/// One annotated place in the code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Site {
    pub file: String,
    pub line: u32,
    /// The item it belongs to (`PLACE_ORDER`, `Order`, `settle`).
    pub item: String,
    /// Which reader found it: migsafe's annotations, sqlx, diesel, ….
    pub source: crate::sources::SourceId,
    pub decl: Decl,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Decl {
    Query(SqlDecl),
    Table(TableDecl),
    SqlEnum(EnumDecl),
    Touches(TouchesDecl),
    /// A database call whose SQL migsafe cannot read (built at run time).
    Unseen(UnseenDecl),
}

/// A database call whose SQL is not a literal: what it is and why it cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnseenDecl {
    /// The call as written, shortened (`sqlx::query(&sql)`).
    pub call: String,
    /// Why its SQL cannot be read (`the SQL is built with format!`).
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SqlDecl {
    pub sql: String,
    /// The struct the rows decode into by column name (sqlx `query_as::<_, T>` with
    /// `#[derive(FromRow)]`): a `*` then reads exactly the columns it names.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<RowShape>,
    /// The code decodes each output column with the type and nullability the
    /// schema had when it was compiled (sqlx's `query!` macros): a column
    /// that becomes nullable, or changes type, breaks it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub schema_typed: bool,
    /// What sqlx's offline data (`.sqlx/`) recorded of the output columns
    /// when this revision was built; empty when there is none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub offline: Vec<OfflineColumn>,
}

/// One output column as sqlx's offline data describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OfflineColumn {
    /// As the database named it, with sqlx's overrides (`"x?"`, `"x!"`, `"x: T"`).
    pub name: String,
    /// What the database inferred: `None` when it could not tell.
    pub nullable: Option<bool>,
}

impl OfflineColumn {
    /// The name without a type override (`"x?: T"` → `x?`).
    fn untyped(&self) -> &str {
        self.name.split_once(':').map_or(self.name.as_str(), |(n, _)| n).trim()
    }

    /// The column name without sqlx's override suffix.
    pub fn base_name(&self) -> &str {
        self.untyped().trim_end_matches(['?', '!'])
    }

    /// Does the macro decode it into an `Option`? `"x?"` forces it, `"x!"`
    /// forbids it; otherwise sqlx takes unknown nullability as nullable.
    pub fn decodes_optional(&self) -> bool {
        let n = self.untyped();
        if n.ends_with('?') {
            true
        } else if n.ends_with('!') {
            false
        } else {
            self.nullable != Some(false)
        }
    }
}

/// The columns a struct decodes by name, and those it may go without.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowShape {
    pub rust_name: String,
    /// Columns the struct needs in every row.
    pub columns: Vec<String>,
    /// Columns it reads when present and defaults when not (`#[sqlx(default)]`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub optional: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableDecl {
    pub rust_name: String,
    /// As written in `#[migsafe(table = "…")]`.
    pub table: String,
    pub fields: Vec<FieldDecl>,
    /// What the struct does with its columns: decodes rows (the default),
    /// inserts them (diesel `Insertable`) or updates them (`AsChangeset`).
    #[serde(skip_serializing_if = "Role::is_read")]
    pub role: Role,
    /// How the library turns a column's bytes into the field.
    #[serde(skip_serializing_if = "Decoding::is_type_checked")]
    pub decoding: Decoding,
}

/// Whether decoding looks at the column's declared type or only at its bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Decoding {
    /// The driver checks the column's type (PostgreSQL's type OID) against
    /// the field's before decoding (sqlx, SeaORM, tokio-postgres, the
    /// annotations): `NaiveDateTime` refuses a `timestamptz` column.
    #[default]
    TypeChecked,
    /// Only the value's wire format is read, whatever the column's declared
    /// type (diesel's `FromSql` for the SQL type its `table!` names): a
    /// `Timestamp` field reads a `timestamptz` column, whose binary form is
    /// the same 8-byte microsecond count.
    WireFormat,
}

impl Decoding {
    pub fn is_type_checked(&self) -> bool {
        *self == Decoding::TypeChecked
    }
}

/// What a mapped struct does with the columns it names.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Decodes every named column from rows.
    #[default]
    Read,
    /// Inserts exactly the named columns.
    Insert,
    /// Assigns the named columns.
    Update,
}

impl Role {
    pub fn is_read(&self) -> bool {
        *self == Role::Read
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldDecl {
    pub field: String,
    pub column: String,
    pub rust_type: RustType,
    pub line: u32,
}

/// A field's type, reduced to what decoding cares about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RustType {
    /// As written (`Option<String>`).
    pub text: String,
    /// Wrapped in `Option`.
    pub optional: bool,
    /// The last path segment of the (unwrapped) type: `String`, `i64`, `OrderStatus`, `Vec<u8>`.
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnumDecl {
    pub rust_name: String,
    pub target: EnumTarget,
    pub variants: Vec<VariantDecl>,
    /// A `#[migsafe(other)]` catch-all variant exists.
    pub has_other: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum EnumTarget {
    /// A database enum type.
    Type { name: String },
    /// A text column holding these values (`table.column`).
    Column { table: String, column: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VariantDecl {
    pub variant: String,
    /// The database value (after rename / rename_all); `None` for the `other` variant.
    pub value: Option<String>,
    pub line: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TouchesDecl {
    pub refs: Vec<TouchRef>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TouchRef {
    pub access: crate::footprint::Access,
    /// `schema.table` or `table`, as written.
    pub table: String,
    pub column: String,
    pub line: u32,
}

/// `rename_all` conventions, converted exactly as sqlx's derives convert them
/// (with `heck`), so a value migsafe expects is the one the database gets.
pub fn apply_rename_all(rule: &str, variant: &str) -> Option<String> {
    use heck::{ToKebabCase, ToLowerCamelCase, ToShoutyKebabCase, ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
    Some(match rule {
        "lowercase" => variant.to_lowercase(),
        "UPPERCASE" => variant.to_uppercase(),
        "PascalCase" => variant.to_upper_camel_case(),
        "camelCase" => variant.to_lower_camel_case(),
        "snake_case" => variant.to_snake_case(),
        "SCREAMING_SNAKE_CASE" => variant.to_shouty_snake_case(),
        "kebab-case" => variant.to_kebab_case(),
        "SCREAMING-KEBAB-CASE" => variant.to_shouty_kebab_case(),
        _ => return None,
    })
}

pub const RENAME_ALL_RULES: &[&str] =
    &["lowercase", "UPPERCASE", "PascalCase", "camelCase", "snake_case", "SCREAMING_SNAKE_CASE", "kebab-case", "SCREAMING-KEBAB-CASE"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rename_all_converts_as_sqlx_does() {
        assert_eq!(apply_rename_all("snake_case", "AwaitingConfirmation").unwrap(), "awaiting_confirmation");
        assert_eq!(apply_rename_all("SCREAMING_SNAKE_CASE", "New").unwrap(), "NEW");
        assert_eq!(apply_rename_all("camelCase", "AwaitingConfirmation").unwrap(), "awaitingConfirmation");
        assert_eq!(apply_rename_all("kebab-case", "HTTPError").unwrap(), "http-error");
        assert_eq!(apply_rename_all("lowercase", "Pending").unwrap(), "pending");
        assert!(apply_rename_all("Title Case", "X").is_none());
    }
}
