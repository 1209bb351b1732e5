//! Drift: the schema a revision's migrations build against the one a live
//! database has, object by object (tables, views, columns with their type,
//! nullability and default, enum types and their values, MySQL's inline
//! enums, indexes). Each difference is a `schema-drift` finding naming the
//! migration that should have made the object as the model has it (where
//! the model records it was created or last changed), or saying that no
//! migration makes what the database has. Pure: the rows come from the
//! caller ([`LiveCatalog`]).

use super::{key, schema_from_catalog, LiveCatalog};
use crate::diag::{Location, Severity};
use crate::rules::{Finding, MigrationRef, SCHEMA_DRIFT};
use crate::schema::{Change, Column, Family, History, Schema, SqlType};
use crate::Dialect;
use std::collections::{BTreeMap, BTreeSet};

/// The migration tools' own bookkeeping tables: in the database, never in a migration.
pub const BOOKKEEPING_TABLES: &[&str] =
    &["__diesel_schema_migrations", "_sqlx_migrations", "flyway_schema_history", "schema_migrations", "refinery_schema_history"];

fn at(loc: &Location) -> Option<MigrationRef> {
    Some(MigrationRef { file: loc.file.clone(), line: loc.line })
}

fn place(loc: &Location) -> String {
    format!("{}:{}", loc.file, loc.line)
}

/// Every difference between the schema `history` builds and the live
/// database `live` describes, tables and columns in name order.
pub fn drift(history: &History, live: &LiveCatalog) -> Vec<Finding> {
    let model = &history.schema;
    let dialect = model.dialect;
    let db = schema_from_catalog(dialect, &live.columns, &live.enums);
    let mut out = Vec::new();
    let skip = |t: &str| BOOKKEEPING_TABLES.contains(&crate::ident::base_name(t));
    let finding = |table: &str, column: Option<&str>, made: Option<&Location>, message: String, help: &str| {
        let mut f = Finding::new(&SCHEMA_DRIFT, table, column).message(message).help(help);
        f.migration = made.and_then(at);
        f
    };
    const APPLY: &str = "find out how the database came to differ (a migration that failed half way, a hot fix run by hand) and make it match the migrations, or write the migration that makes the change";
    const BY_HAND: &str = "write a migration that makes it, so that the next database built from the migrations has it too, or remove it from this database";

    // Tables and their columns.
    for t in model.tables.values() {
        let Some(lt) = db.tables.get(&t.name) else {
            out.push(finding(
                &t.name,
                None,
                Some(&t.created),
                format!("table `{}` (created by {}) is not in the live database", t.name, place(&t.created)),
                APPLY,
            ));
            continue;
        };
        for c in &t.columns {
            let made = c.changed.as_ref().unwrap_or(&c.created);
            let Some(lc) = lt.column(&c.name) else {
                out.push(finding(
                    &t.name,
                    Some(&c.name),
                    Some(&c.created),
                    format!("column `{}.{}` (added by {}) is not in the live database", t.name, c.name, place(&c.created)),
                    APPLY,
                ));
                continue;
            };
            if let Some(why) = type_differs(dialect, model, &c.ty, &lc.ty) {
                out.push(finding(&t.name, Some(&c.name), Some(made), format!("column `{}.{}`: {why} (as made by {})", t.name, c.name, place(made)), APPLY));
            }
            if c.nullable != lc.nullable && !(dialect == Dialect::Sqlite && c.identity) {
                let (m, l) = if c.nullable { ("nullable", "NOT NULL") } else { ("NOT NULL", "nullable") };
                out.push(finding(
                    &t.name,
                    Some(&c.name),
                    Some(made),
                    format!("column `{}.{}` is {m} in the migrations ({}) but {l} in the live database", t.name, c.name, place(made)),
                    APPLY,
                ));
            }
        }
        for lc in &lt.columns {
            if t.column(&lc.name).is_none() {
                let removed = model.removal(&t.name, Some(&lc.name));
                let message = match removed {
                    Some(r) => format!(
                        "column `{}.{}` is in the live database, but {} {} it",
                        t.name,
                        lc.name,
                        place(&r.at),
                        if r.renamed_to.is_some() { "renames" } else { "drops" }
                    ),
                    None => format!("column `{}.{}` ({}) is in the live database, but no migration adds it (added by hand?)", t.name, lc.name, lc.ty.display()),
                };
                out.push(finding(&t.name, Some(&lc.name), removed.map(|r| &r.at), message, if removed.is_some() { APPLY } else { BY_HAND }));
            }
        }
    }
    for lt in db.tables.values().filter(|t| !model.tables.contains_key(&t.name) && !skip(&t.name)) {
        let removed = model.removal(&lt.name, None);
        let message = match removed {
            Some(r) => format!("table `{}` is in the live database, but {} drops or renames it", lt.name, place(&r.at)),
            None => format!("table `{}` is in the live database, but no migration creates it", lt.name),
        };
        out.push(finding(&lt.name, None, removed.map(|r| &r.at), message, if removed.is_some() { APPLY } else { BY_HAND }));
    }

    // Views: that each exists (their definitions are not compared).
    for v in model.views.values().filter(|v| !db.views.contains_key(&v.name)) {
        out.push(finding(&v.name, None, Some(&v.created), format!("view `{}` (created by {}) is not in the live database", v.name, place(&v.created)), APPLY));
    }
    for v in db.views.values().filter(|v| !model.views.contains_key(&v.name)) {
        out.push(finding(&v.name, None, None, format!("view `{}` is in the live database, but no migration creates it", v.name), BY_HAND));
    }

    defaults(model, live, &mut out, &finding);
    enums(history, &db, &mut out, &finding);
    indexes(model, live, &mut out, &finding, &skip);
    // A statement the parser could not read may have made the difference: said on each finding about its table.
    for f in &mut out {
        f.message.push_str(&model.unread_note(&f.table));
    }
    out
}

type Make<'a> = dyn Fn(&str, Option<&str>, Option<&Location>, String, &str) -> Finding + 'a;

/// Why the live column's type is not the model's, if it is not.
fn type_differs(dialect: Dialect, model: &Schema, m: &SqlType, l: &SqlType) -> Option<String> {
    if let (Some(mv), Some(lv)) = (m.inline_enum_values(), l.inline_enum_values()) {
        let missing: Vec<_> = mv.iter().filter(|v| !lv.contains(v)).map(|v| format!("'{v}'")).collect();
        let extra: Vec<_> = lv.iter().filter(|v| !mv.contains(v)).map(|v| format!("'{v}'")).collect();
        return match (missing.is_empty(), extra.is_empty()) {
            (true, true) => None,
            (false, _) => Some(format!("the live database's {} lacks the enum values {}", l.display(), missing.join(", "))),
            (true, false) => Some(format!("the live database's {} has enum values no migration adds: {}", l.display(), extra.join(", "))),
        };
    }
    if m.user_type.is_some() || l.user_type.is_some() {
        // A domain is its base type in the catalog.
        if let Some(base) = m.user_type.as_ref().and_then(|u| model.domains.get(u)) {
            return type_differs(dialect, model, base, l);
        }
        return (m.user_type != l.user_type).then(|| format!("the migrations make it {} but the live database has {}", m.display(), l.display()));
    }
    let same_name = if dialect == Dialect::Sqlite {
        m.written.split_whitespace().collect::<Vec<_>>().join(" ").eq_ignore_ascii_case(&l.written.split_whitespace().collect::<Vec<_>>().join(" "))
            || m.catalog.eq_ignore_ascii_case(&l.catalog)
    } else {
        m.catalog.eq_ignore_ascii_case(&l.catalog)
    };
    let sized = matches!(m.family, Family::Text { .. } | Family::Bytes | Family::Numeric);
    let same_size = !sized || (m.length == l.length && (m.family != Family::Numeric || m.scale.unwrap_or(0) == l.scale.unwrap_or(0)));
    (!same_name || !same_size).then(|| format!("the migrations make it {} but the live database has {}", m.display(), l.display()))
}

/// A default as text that compares: lower case outside string literals,
/// outer parentheses, casts and quoting of numbers gone, the spellings of
/// "now" as one.
pub(crate) fn normalize_default(expression: &str) -> String {
    let mut quoted = false;
    let mut s: String = expression
        .trim()
        .chars()
        .map(|c| {
            if c == '\'' {
                quoted = !quoted;
            }
            if quoted {
                c
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect();
    s = strip_parens(&s);
    // PostgreSQL's casts: `'a'::text`, `'x'::character varying(3)`, `'{}'::text[]`.
    while let Some(i) = s.find("::") {
        let rest = &s[i + 2..];
        let mut end = rest.find(|c: char| !(c.is_alphanumeric() || " _.\"".contains(c))).unwrap_or(rest.len());
        // A type's modifiers and array marks: `(64)`, `(12,2)`, `[]`.
        if let Some(close) = rest[end..].strip_prefix('(').and_then(|r| r.find(')')) {
            if rest[end + 1..end + 1 + close].chars().all(|c| c.is_ascii_digit() || c == ',' || c == ' ') {
                end += close + 2;
            }
        }
        while rest[end..].starts_with("[]") {
            end += 2;
        }
        s = format!("{}{}", &s[..i], &rest[end..]);
    }
    let s = strip_parens(&s);
    let unquoted = s.strip_prefix('\'').and_then(|x| x.strip_suffix('\'')).filter(|x| x.parse::<f64>().is_ok());
    let s = unquoted.map(str::to_string).unwrap_or(s);
    match s.as_str() {
        "now()" | "current_timestamp" | "current_timestamp()" | "localtimestamp" | "localtimestamp()" | "transaction_timestamp()" => "now()".into(),
        "true" => "1".into(),
        "false" => "0".into(),
        _ => s,
    }
}

/// `s` without the parentheses around all of it.
fn strip_parens(s: &str) -> String {
    let mut t = s.trim();
    while t.starts_with('(') && t.ends_with(')') && balanced(&t[1..t.len() - 1]) {
        t = t[1..t.len() - 1].trim();
    }
    t.to_string()
}

fn balanced(s: &str) -> bool {
    let mut depth = 0i32;
    for c in s.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ => {}
        }
        if depth < 0 {
            return false;
        }
    }
    depth == 0
}

fn defaults(model: &Schema, live: &LiveCatalog, out: &mut Vec<Finding>, finding: &Make) {
    let dialect = model.dialect;
    let live_defaults: BTreeMap<(String, &str), &str> =
        live.defaults.iter().map(|d| ((key(dialect, &d.schema, &d.table), d.column.as_str()), d.expression.as_str())).collect();
    let live_columns: BTreeMap<(String, &str), &super::CatalogColumn> =
        live.columns.iter().filter(|c| !c.view).map(|c| ((key(dialect, &c.schema, &c.table), c.column.as_str()), c)).collect();
    for t in model.tables.values() {
        for c in t.columns.iter().filter(|c| !c.identity && !c.generated) {
            let k = (t.name.clone(), c.name.as_str());
            // A column the database fills (serial, auto_increment, rowid) has no default to compare.
            if live_columns.get(&k).is_none_or(|l| l.identity || l.generated) {
                continue;
            }
            let live = live_defaults.get(&k).copied();
            let model_default = c.default.as_deref().map(normalize_default).filter(|d| d != "null");
            let live_default = live.map(normalize_default).filter(|d| d != "null");
            if model_default != live_default {
                out.push(default_finding(&t.name, c, model_default.and(c.default.clone()), live_default.and(live), finding));
            }
        }
    }
}

fn default_finding(table: &str, c: &Column, model: Option<String>, live: Option<&str>, finding: &Make) -> Finding {
    let made = c.changed.as_ref().unwrap_or(&c.created);
    let m = model.map(|d| format!("DEFAULT {d}")).unwrap_or_else(|| "no default".into());
    let l = live.map(|d| format!("DEFAULT {d}")).unwrap_or_else(|| "no default".into());
    finding(
        table,
        Some(&c.name),
        Some(made),
        format!("column `{table}.{}` has {m} in the migrations ({}) but {l} in the live database", c.name, place(made)),
        "find out how the database came to differ and make it match the migrations, or write the migration that makes the change",
    )
}

/// Where the migrations add enum value `value` to `ty`: the ALTER TYPE … ADD VALUE, else the type's CREATE.
fn value_added<'a>(history: &'a History, ty: &str, value: &str) -> Option<&'a Location> {
    history.events.iter().flat_map(|m| m.events.iter()).find_map(|e| match &e.change {
        Change::EnumValueAdded { ty: t, value: v } if t == ty && v == value => Some(&e.at),
        _ => None,
    })
}

fn enums(history: &History, db: &Schema, out: &mut Vec<Finding>, finding: &Make) {
    let model = &history.schema;
    for e in model.enums.values() {
        let Some(le) = db.enums.get(&e.name) else {
            out.push(finding(
                &e.name,
                None,
                Some(&e.created),
                format!("enum type `{}` (created by {}) is not in the live database", e.name, place(&e.created)),
                "find out how the database came to differ and make it match the migrations",
            ));
            continue;
        };
        for v in e.values.iter().filter(|v| !le.values.contains(v)) {
            let made = value_added(history, &e.name, v).unwrap_or(&e.created);
            out.push(finding(
                &e.name,
                None,
                Some(made),
                format!("enum type `{}` lacks the value '{v}' in the live database (added by {})", e.name, place(made)),
                "run the migration that adds the value, or find out why it did not take",
            ));
        }
        for v in le.values.iter().filter(|v| !e.values.contains(v)) {
            out.push(finding(
                &e.name,
                None,
                None,
                format!("enum type `{}` has the value '{v}' in the live database, but no migration adds it", e.name),
                "write the migration that adds it, or remove it from this database",
            ));
        }
    }
    for le in db.enums.values().filter(|e| !model.enums.contains_key(&e.name)) {
        out.push(finding(
            &le.name,
            None,
            None,
            format!("enum type `{}` is in the live database, but no migration creates it", le.name),
            "write the migration that creates it, or remove it from this database",
        ));
    }
}

fn indexes(model: &Schema, live: &LiveCatalog, out: &mut Vec<Finding>, finding: &Make, skip: &dyn Fn(&str) -> bool) {
    let dialect = model.dialect;
    let live_idx: Vec<(String, &super::CatalogIndex)> = live.indexes.iter().map(|i| (key(dialect, &i.schema, &i.table), i)).filter(|(t, _)| !skip(t)).collect();
    let mut matched: BTreeSet<usize> = BTreeSet::new();
    for i in model.indexes.values().filter(|i| model.tables.contains_key(&i.table)) {
        let base = crate::ident::base_name(&i.name);
        let found = live_idx
            .iter()
            .position(|(t, l)| *t == i.table && l.columns == i.columns && l.unique == i.unique)
            .or_else(|| live_idx.iter().position(|(t, l)| *t == i.table && l.name.eq_ignore_ascii_case(base)));
        match found {
            Some(n) => {
                matched.insert(n);
                let l = live_idx[n].1;
                if l.columns != i.columns || l.unique != i.unique {
                    out.push(finding(
                        &i.table,
                        None,
                        Some(&i.created),
                        format!(
                            "index `{}` is {}({}) in the migrations ({}) but {}({}) in the live database",
                            i.name,
                            if i.unique { "UNIQUE " } else { "" },
                            i.columns.join(", "),
                            place(&i.created),
                            if l.unique { "UNIQUE " } else { "" },
                            l.columns.join(", ")
                        ),
                        "find out how the database came to differ and make it match the migrations",
                    ));
                }
            }
            None if db_has_table(live, dialect, &i.table) => out.push(finding(
                &i.table,
                None,
                Some(&i.created),
                format!("index `{}` on `{}` ({}) (created by {}) is not in the live database", i.name, i.table, i.columns.join(", "), place(&i.created)),
                "create the index again (it was dropped by hand, or its migration failed half way)",
            )),
            None => {}
        }
    }
    // What the database makes by itself: the primary key's and unique
    // constraints' indexes, and MySQL's index for each foreign key.
    for (n, (table, l)) in live_idx.iter().enumerate() {
        if matched.contains(&n) || !model.tables.contains_key(table) {
            continue;
        }
        let t = &model.tables[table];
        let own = (l.primary || l.unique) && !t.primary_key.is_empty() && l.columns == t.primary_key
            || l.unique && t.unique.contains(&l.columns)
            || dialect == Dialect::Mysql && t.foreign_keys.iter().any(|fk| l.columns.starts_with(&fk.columns));
        if own {
            continue;
        }
        out.push(
            finding(
                table,
                None,
                None,
                format!("index `{}` on `{table}` ({}) is in the live database, but no migration creates it (made by hand?)", l.name, l.columns.join(", ")),
                "write the migration that creates it, or drop it from this database",
            )
            .severity(Severity::Warning),
        );
    }
}

fn db_has_table(live: &LiveCatalog, dialect: Dialect, table: &str) -> bool {
    live.columns.iter().any(|c| key(dialect, &c.schema, &c.table) == table)
}

#[cfg(test)]
mod tests;
