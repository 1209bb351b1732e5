//! Resolving an annotation against a schema: what it touches, and whether
//! it works there (the checks the macros turn into compile errors and
//! `check` turns into findings for N).

use super::{analyze_sql_with, Access, ColumnUse, InsertShape, Issue, TableAccess, TableUse};
use crate::annotations::{Decl, Decoding, EnumDecl, EnumTarget, FieldDecl, Role, RowShape};
use crate::ident::annotation_name;
use crate::schema::triggers::TriggerFill;
use crate::schema::{Family, Removal, Schema, SqlType};
use crate::suggest::did_you_mean;
use serde::Serialize;

/// Which part of an annotation a problem is about (the macros map it to a span).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "index", rename_all = "kebab-case")]
pub enum Target {
    /// The `table = "…"`, `type = "…"` or `column = "…"` argument, or the SQL literal.
    Target,
    /// The n-th field, variant or touched column.
    Part(usize),
    Item,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub target: Target,
    pub table: Option<String>,
    pub column: Option<String>,
    pub message: String,
    #[serde(skip)]
    pub removed: Option<Removal>,
}

/// A site's footprint on one schema, with the problems that stop it working there.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ResolvedSite {
    pub columns: Vec<ColumnUse>,
    pub tables: Vec<TableUse>,
    pub inserts: Vec<InsertShape>,
    pub problems: Vec<Problem>,
}

/// Resolve `decl` against `schema`. `enums` are the crate's SqlEnum
/// declarations (by Rust name), used to judge fields typed with them; the
/// macros pass none (they cannot see other items).
pub fn resolve_site(schema: &Schema, decl: &Decl, enums: &[&EnumDecl]) -> ResolvedSite {
    let mut out = resolve(schema, decl, enums);
    // A problem on a table that a statement the parser could not read names: say that it may be why.
    if !schema.unread.is_empty() {
        for p in &mut out.problems {
            if let Some(t) = &p.table {
                p.message.push_str(&schema.unread_note(t));
            }
        }
    }
    out
}

fn resolve(schema: &Schema, decl: &Decl, enums: &[&EnumDecl]) -> ResolvedSite {
    let mut out = ResolvedSite::default();
    match decl {
        Decl::Query(q) => query(schema, &q.sql, q.row.as_ref(), &mut out),
        Decl::Table(t) => {
            let key = annotation_name(schema.dialect, &t.table);
            if super::query::is_system_relation(schema.dialect, &key) && !schema.has_relation(&key) {
                // The engine's own catalog (lemmy's diesel `table!` for
                // `pg_namespace`): no migration builds it, none can drop it.
                return out;
            }
            if !table_exists(schema, &key, Target::Target, &mut out) {
                return out;
            }
            match t.role {
                Role::Read => {
                    out.tables.push(TableUse { table: key.clone(), access: TableAccess::Select });
                    for (i, f) in t.fields.iter().enumerate() {
                        field(schema, &key, i, f, t.decoding, enums, &mut out);
                    }
                }
                Role::Insert | Role::Update => {
                    let (access, table_access) =
                        if t.role == Role::Insert { (Access::Insert, TableAccess::Insert) } else { (Access::Write, TableAccess::Update) };
                    out.tables.push(TableUse { table: key.clone(), access: table_access });
                    let mut supplied = Vec::new();
                    for (i, f) in t.fields.iter().enumerate() {
                        let col = annotation_name(schema.dialect, &f.column);
                        if column_exists(schema, &key, &col, Target::Part(i), &mut out) {
                            out.columns.push(ColumnUse { table: key.clone(), column: col.clone(), access, values: vec![] });
                            supplied.push(col);
                        }
                    }
                    if t.role == Role::Insert {
                        required_supplied(schema, &InsertShape { table: key, columns: supplied }, &mut out);
                    }
                }
            }
        }
        Decl::Unseen(_) => {}
        Decl::SqlEnum(e) => enum_decl(schema, e, &mut out),
        Decl::Touches(t) => {
            for (i, r) in t.refs.iter().enumerate() {
                let key = annotation_name(schema.dialect, &r.table);
                if !table_exists(schema, &key, Target::Part(i), &mut out) {
                    continue;
                }
                let col = annotation_name(schema.dialect, &r.column);
                if column_exists(schema, &key, &col, Target::Part(i), &mut out) {
                    out.columns.push(ColumnUse { table: key, column: col, access: r.access, values: vec![] });
                }
            }
        }
    }
    out
}

fn table_exists(schema: &Schema, key: &str, target: Target, out: &mut ResolvedSite) -> bool {
    if schema.has_relation(key) {
        return true;
    }
    let issue =
        Issue::UnknownTable { name: key.to_string(), suggestion: did_you_mean(key, schema.relation_names()), removed: schema.removal(key, None).cloned() };
    out.problems.push(Problem { target, table: Some(key.to_string()), column: None, message: issue.message(), removed: schema.removal(key, None).cloned() });
    false
}

fn column_exists(schema: &Schema, table: &str, col: &str, target: Target, out: &mut ResolvedSite) -> bool {
    let cols = schema.relation_columns(table).unwrap_or_default();
    if cols.iter().any(|c| c == col) {
        return true;
    }
    let removed = schema.removal(table, Some(col)).cloned();
    let issue = Issue::UnknownColumn {
        table: Some(table.to_string()),
        column: col.to_string(),
        suggestion: did_you_mean(col, cols.iter().map(|s| s.as_str())),
        removed: removed.clone(),
    };
    out.problems.push(Problem { target, table: Some(table.to_string()), column: Some(col.to_string()), message: issue.message(), removed });
    false
}

fn query(schema: &Schema, sql: &str, row: Option<&RowShape>, out: &mut ResolvedSite) {
    let only: Option<Vec<String>> = row.map(|r| r.columns.iter().chain(&r.optional).map(|c| annotation_name(schema.dialect, c)).collect());
    let fp = match analyze_sql_with(schema.dialect, schema, sql, only.as_deref()) {
        Ok(fp) => fp,
        Err(e) => {
            out.problems.push(Problem {
                target: Target::Target,
                table: None,
                column: None,
                message: if e.message.ends_with("found: EOF") {
                    format!("the query does not parse as {} SQL: {} (at the end of the query)", schema.dialect, e.message)
                } else {
                    format!("the query does not parse as {} SQL: {} (line {}, column {} of the query)", schema.dialect, e.message, e.line, e.column)
                },
                removed: None,
            });
            return;
        }
    };
    for issue in &fp.issues {
        let (table, column, removed) = match issue {
            Issue::UnknownTable { name, removed, .. } => (Some(name.clone()), None, removed.clone()),
            Issue::UnknownColumn { table, column, removed, .. } => (table.clone(), Some(column.clone()), removed.clone()),
            Issue::AmbiguousColumn { column, .. } => (None, Some(column.clone()), None),
        };
        out.problems.push(Problem { target: Target::Target, table, column, message: issue.message(), removed });
    }
    for ins in &fp.inserts {
        required_supplied(schema, ins, out);
    }
    // Literals written into, or compared with, an enum column must be values of its type.
    for u in &fp.columns {
        let Some(e) = schema.column_enum(&u.table, &u.column) else { continue };
        for v in &u.values {
            if !e.values.contains(v) {
                let hint = did_you_mean(v, e.values.iter().map(|s| s.as_str())).map(|s| format!("; did you mean '{s}'?")).unwrap_or_default();
                out.problems.push(Problem {
                    target: Target::Target,
                    table: Some(u.table.clone()),
                    column: Some(u.column.clone()),
                    message: format!("'{v}' is not a value of enum type `{}` (column `{}.{}` {} it){hint}", e.name, u.table, u.column, u.access.verb()),
                    removed: None,
                });
            }
        }
    }
    out.columns = fp.columns;
    out.tables = fp.tables;
}

/// An INSERT must supply every column that is NOT NULL without a default.
fn required_supplied(schema: &Schema, ins: &InsertShape, out: &mut ResolvedSite) {
    let Some(t) = schema.table(&ins.table) else { return };
    let missing: Vec<&str> = t.columns.iter().filter(|c| c.required() && !ins.columns.contains(&c.name)).map(|c| c.name.as_str()).collect();
    for m in missing {
        let trigger = match schema.insert_fill(&ins.table, m) {
            Some(TriggerFill::Fills(_)) => continue,
            Some(TriggerFill::May(name)) => format!(" (trigger `{name}` runs before the INSERT, in code migsafe could not read: it may fill it)"),
            None => String::new(),
        };
        out.problems.push(Problem {
            target: Target::Target,
            table: Some(ins.table.clone()),
            column: Some(m.to_string()),
            message: format!("this INSERT into `{}` omits `{m}`, which is NOT NULL without a default{trigger}", ins.table),
            removed: None,
        });
    }
    if !out.inserts.contains(ins) {
        out.inserts.push(ins.clone());
    }
}

/// The family and width a known Rust type decodes.
pub fn rust_family(name: &str) -> Option<Family> {
    use Family::*;
    Some(match name {
        "i8" => Int(1),
        "i16" => Int(2),
        "i32" => Int(4),
        "i64" => Int(8),
        "u8" => UInt(1),
        "u16" => UInt(2),
        "u32" => UInt(4),
        "u64" => UInt(8),
        "f32" => Float(4),
        "f64" => Float(8),
        "bool" => Bool,
        "String" | "str" | "Box<str>" | "Cow" | "Arc<str>" => Text { fixed: false },
        "Uuid" => Uuid,
        "Vec<u8>" => Bytes,
        "NaiveDateTime" | "PrimitiveDateTime" => Timestamp { tz: false },
        "DateTime" | "OffsetDateTime" => Timestamp { tz: true },
        "NaiveDate" | "Date" => Date,
        "NaiveTime" | "Time" => Time,
        "Decimal" | "BigDecimal" => Numeric,
        "Value" | "JsonValue" | "Json" => Json,
        n if n.starts_with("Vec<") => Array,
        _ => return None,
    })
}

/// Whether Rust `rust` (a known family) decodes SQL type `col` in this dialect.
pub fn decodes(dialect: crate::Dialect, rust: Family, col: &SqlType, decoding: Decoding) -> bool {
    use crate::Dialect::*;
    use Family::*;
    match (rust, col.family) {
        // The same binary form (PostgreSQL sends both as microseconds since 2000).
        (Timestamp { .. }, Timestamp { .. }) if decoding == Decoding::WireFormat => true,
        (_, Other) => true,
        (Text { .. }, Text { .. }) => true,
        (Int(a), Int(b)) => match dialect {
            Postgres => a == b,
            Mysql => a >= b,
            Sqlite => true,
        },
        (Int(a), UInt(b)) | (UInt(a), UInt(b)) => dialect != Postgres && a >= b,
        (Bool, Bool) => true,
        (Bool, Int(_)) | (Int(_), Bool) => dialect != Postgres,
        (Float(a), Float(b)) => dialect != Postgres || a == b,
        (Numeric, Numeric) => true,
        (Float(_), Numeric) | (Int(_), Numeric) => dialect == Sqlite,
        (Json, Json) => true,
        (Json, Text { .. }) | (Text { .. }, Json) => dialect != Postgres,
        (Timestamp { tz: a }, Timestamp { tz: b }) => dialect != Postgres || a == b,
        (Timestamp { .. }, Text { .. }) | (Date, Text { .. }) | (Uuid, Text { .. }) => dialect == Sqlite,
        (Uuid, Bytes) => dialect != Postgres,
        (a, b) => a == b,
    }
}

fn field(schema: &Schema, table: &str, i: usize, f: &FieldDecl, decoding: Decoding, enums: &[&EnumDecl], out: &mut ResolvedSite) {
    let col_name = annotation_name(schema.dialect, &f.column);
    if !column_exists(schema, table, &col_name, Target::Part(i), out) {
        return;
    }
    out.columns.push(ColumnUse { table: table.to_string(), column: col_name.clone(), access: Access::Read, values: vec![] });
    let Some(col) = schema.column(table, &col_name) else { return }; // a view column: types unknown
    let mut problem = |message: String| {
        out.problems.push(Problem { target: Target::Part(i), table: Some(table.to_string()), column: Some(col_name.clone()), message, removed: None });
    };
    if col.reads_null(schema.dialect) && !f.rust_type.optional {
        problem(format!(
            "column `{table}.{col_name}` is nullable, but field `{}` is `{}`: a NULL fails to decode; use `Option<{}>`",
            f.field, f.rust_type.text, f.rust_type.text
        ));
    }
    if let Some(fam) = rust_family(&f.rust_type.name) {
        if col.ty.family == Family::Enum {
            problem(format!(
                "column `{table}.{col_name}` is of enum type `{}`, which `{}` does not decode; use a #[derive(SqlEnum)] type with #[migsafe(type = \"{}\")]",
                col.ty.display(),
                f.rust_type.name,
                col.ty.display()
            ));
        } else if !decodes(schema.dialect, fam, &col.ty, decoding) {
            problem(format!("field `{}: {}` cannot decode column `{table}.{col_name}` of type `{}`", f.field, f.rust_type.text, col.ty.display()));
        }
    } else if let Some(e) = enums.iter().find(|e| e.rust_name == f.rust_type.name) {
        match &e.target {
            EnumTarget::Type { name } => {
                let ty = annotation_name(schema.dialect, name);
                if col.ty.user_type.as_deref() != Some(ty.as_str()) {
                    problem(format!(
                        "field `{}` is a `{}` (enum type `{ty}`), but column `{table}.{col_name}` is `{}`",
                        f.field,
                        e.rust_name,
                        col.ty.display()
                    ));
                }
            }
            EnumTarget::Column { .. } => {
                if !matches!(col.ty.family, Family::Text { .. } | Family::Enum | Family::Other) {
                    problem(format!("field `{}` is a `{}` (text values), but column `{table}.{col_name}` is `{}`", f.field, e.rust_name, col.ty.display()));
                }
            }
        }
    }
}

fn enum_decl(schema: &Schema, e: &EnumDecl, out: &mut ResolvedSite) {
    let db_values: Option<(String, Vec<String>)> = match &e.target {
        EnumTarget::Type { name } => {
            let key = annotation_name(schema.dialect, name);
            match schema.enums.get(&key) {
                Some(t) => Some((format!("enum type `{key}`"), t.values.clone())),
                None => {
                    let hint = did_you_mean(&key, schema.enums.keys().map(|s| s.as_str())).map(|s| format!("; did you mean `{s}`?")).unwrap_or_default();
                    out.problems.push(Problem {
                        target: Target::Target,
                        table: None,
                        column: None,
                        message: format!("no enum type `{key}` in the schema the migrations build{hint}"),
                        removed: None,
                    });
                    return;
                }
            }
        }
        EnumTarget::Column { table, column } => {
            let t = annotation_name(schema.dialect, table);
            if !table_exists(schema, &t, Target::Target, out) {
                return;
            }
            let c = annotation_name(schema.dialect, column);
            if !column_exists(schema, &t, &c, Target::Target, out) {
                return;
            }
            match schema.column_enum(&t, &c) {
                Some(en) => Some((format!("column `{t}.{c}` (enum type `{}`)", en.name), en.values.clone())),
                // A MySQL inline ENUM(...) column: its list is its type.
                None => schema.column(&t, &c).and_then(|col| col.ty.inline_enum_values().map(|v| (format!("column `{t}.{c}` (`{}`)", col.ty.display()), v))),
            }
        }
    };
    let Some((what, values)) = db_values else { return };
    if !e.has_other {
        let decoded: Vec<&str> = e.variants.iter().filter_map(|v| v.value.as_deref()).collect();
        let missing: Vec<&String> = values.iter().filter(|v| !decoded.contains(&v.as_str())).collect();
        if !missing.is_empty() {
            out.problems.push(Problem {
                target: Target::Item,
                table: None,
                column: None,
                message: format!(
                    "{what} has {} that `{}` cannot decode: {}; add a variant for each, or a #[migsafe(other)] catch-all",
                    if missing.len() == 1 { "a value" } else { "values" },
                    e.rust_name,
                    missing.iter().map(|v| format!("'{v}'")).collect::<Vec<_>>().join(", ")
                ),
                removed: None,
            });
        }
    }
    for (i, v) in e.variants.iter().enumerate() {
        if let Some(val) = &v.value {
            if !values.contains(val) {
                let hint = did_you_mean(val, values.iter().map(|s| s.as_str())).map(|s| format!("; did you mean '{s}'?")).unwrap_or_default();
                out.problems.push(Problem {
                    target: Target::Part(i),
                    table: None,
                    column: None,
                    message: format!("variant `{}` maps to '{val}', which {what} does not have{hint}", v.variant),
                    removed: None,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotations::scan_file;
    use crate::migrations::{MigrationSource, SourceFile};
    use crate::schema::analyze;
    use crate::Dialect;

    /// The problems of each annotation in `rust`, against the schema `sql` builds.
    fn problems(dialect: Dialect, sql: &str, rust: &str) -> Vec<String> {
        let h = analyze(dialect, &MigrationSource::new("m", vec![SourceFile::new("V1__s.sql", sql)]));
        assert!(!h.has_errors(), "{:?}", h.diagnostics);
        let (sites, diags) = scan_file("src/lib.rs", rust);
        assert!(diags.is_empty(), "{diags:?}");
        sites.iter().flat_map(|s| resolve_site(&h.schema, &s.decl, &[]).problems).map(|p| p.message).collect()
    }

    const ROW: &str = "#[derive(Table)]\n#[migsafe(table = \"t\")]\nstruct T { id: i64, k: String }";

    #[test]
    fn a_mysql_inline_enum_column_is_checked_like_an_enum_type() {
        let sql = "CREATE TABLE t (id INT PRIMARY KEY, c ENUM('email', 'chat', 'sms') NOT NULL);";
        let rust = "#[derive(SqlEnum)]\n#[migsafe(column = \"t.c\", rename_all = \"lowercase\")]\nenum C { Email, Chat }";
        let p = problems(Dialect::Mysql, sql, rust);
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].contains("'sms'"), "{p:?}");
        let rust = "#[derive(SqlEnum)]\n#[migsafe(column = \"t.c\", rename_all = \"lowercase\")]\nenum C { Email, Chat, Sms }";
        assert_eq!(problems(Dialect::Mysql, sql, rust), Vec::<String>::new());
    }

    #[test]
    fn a_struct_over_the_engines_catalog_is_not_judged_against_the_migrations() {
        let sql = "CREATE TABLE t (id BIGINT PRIMARY KEY, k TEXT NOT NULL);";
        let catalog = "#[derive(Table)]\n#[migsafe(table = \"pg_namespace\")]\nstruct N { nspname: String }";
        assert_eq!(problems(Dialect::Postgres, sql, catalog), Vec::<String>::new());
        // In MySQL `pg_namespace` is just a name: it must be there.
        assert_eq!(problems(Dialect::Mysql, sql, catalog).len(), 1);
    }

    #[test]
    fn sqlite_rowid_alias_never_reads_null() {
        // The catalog says nullable (PRAGMA table_info: notnull = 0), but a NULL becomes a new rowid.
        assert_eq!(problems(Dialect::Sqlite, "CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT NOT NULL);", ROW), Vec::<String>::new());
        assert_eq!(problems(Dialect::Sqlite, "CREATE TABLE t (id INTEGER, k TEXT NOT NULL, PRIMARY KEY (id));", ROW), Vec::<String>::new());
        // WITHOUT ROWID: the primary key is NOT NULL.
        assert_eq!(problems(Dialect::Sqlite, "CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT NOT NULL) WITHOUT ROWID;", ROW), Vec::<String>::new());
    }

    #[test]
    fn sqlite_primary_keys_that_are_not_the_rowid_can_be_null() {
        // `INT PRIMARY KEY` is not a rowid alias: SQLite stores a NULL there.
        let p = problems(Dialect::Sqlite, "CREATE TABLE t (id INT PRIMARY KEY, k TEXT NOT NULL);", ROW);
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].contains("`t.id` is nullable"), "{p:?}");
        let p = problems(Dialect::Sqlite, "CREATE TABLE t (id INTEGER, k TEXT NOT NULL, PRIMARY KEY (id, k));", ROW);
        assert_eq!(p.len(), 1, "{p:?}");
    }
}
