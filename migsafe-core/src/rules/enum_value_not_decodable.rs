//! N writes a value that N-1's SqlEnum cannot decode.

use super::{Category, Finding, RuleMeta};
use crate::annotations::{EnumDecl, EnumTarget, Site};
use crate::check::{Context, Revision, SiteRef, SiteUse};
use crate::diag::Severity;
use crate::ident::annotation_name;
use crate::schema::{Change, Event, Schema};

pub static META: RuleMeta = RuleMeta {
    id: "enum-value-not-decodable",
    category: Category::OldRelease,
    dialects: &crate::Dialect::ALL,
    severity: Severity::Error,
    summary: "N writes an enum or status value that N-1's SqlEnum cannot decode",
    explain: "\
A new enum value (`ALTER TYPE … ADD VALUE`, or a new status string in a text
column) is harmless until a row holds it. Once N writes it, every query of
N-1 that decodes such a row into its `#[derive(SqlEnum)]` fails, and after a
code rollback N-1 meets those rows on every listing.

Instead, ship the decoding first: a release whose enum has the new variant (or
a `#[migsafe(other)]` catch-all) must be running before any release writes the
value.",
};

/// Values the pending migrations add to the column's enum: `ALTER TYPE … ADD
/// VALUE` on its type (`ty`), or a MySQL `ENUM(…)` list that gains values.
fn added_values<'a>(cx: &Context<'a>, ty: Option<&str>, table: &str, column: &str) -> Vec<(&'a Event, String)> {
    let mut out = Vec::new();
    for (_, e) in cx.pending_events() {
        match &e.change {
            Change::EnumValueAdded { ty: t, value } if ty == Some(t.as_str()) => out.push((e, value.clone())),
            Change::ColumnTypeChanged { table: tb, column: col, from, to, .. } if tb == table && col == column => {
                if let Some(new) = to.inline_enum_values() {
                    let old = from.inline_enum_values().unwrap_or_default();
                    out.extend(new.into_iter().filter(|v| !old.contains(v)).map(|v| (e, v)));
                }
            }
            _ => {}
        }
    }
    out
}

/// Does `e` decode `table.column` of `schema`?
fn decodes_column(schema: &Schema, e: &EnumDecl, table: &str, column: &str) -> bool {
    match &e.target {
        EnumTarget::Type { name } => {
            let ty = annotation_name(schema.dialect, name);
            schema.column(table, column).is_some_and(|c| c.ty.user_type.as_deref() == Some(ty.as_str()))
        }
        EnumTarget::Column { table: t, column: c } => annotation_name(schema.dialect, t) == table && annotation_name(schema.dialect, c) == column,
    }
}

fn enum_site(rev: Revision, site: &Site, e: &EnumDecl, access: SiteUse) -> SiteRef {
    SiteRef::new(rev, &site.file, site.line, &e.rust_name, access)
}

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    let head = &cx.head.history.schema;
    let base_enums = cx.base_enums();
    let head_enums = cx.head_enums();
    for t in head.tables.values() {
        for c in &t.columns {
            let (table, column) = (t.name.as_str(), c.name.as_str());
            let decoders: Vec<_> = base_enums.iter().filter(|(_, e)| decodes_column(head, e, table, column)).collect();
            if decoders.is_empty() {
                continue;
            }
            let added = added_values(cx, c.ty.user_type.as_deref(), table, column);
            // Values of the column's enum type renamed by the pending migrations: (event, from, to).
            let renamed: Vec<(&Event, &str, &str)> = cx
                .pending_events()
                .filter_map(|(_, e)| match &e.change {
                    Change::EnumValueRenamed { ty, from, to } if c.ty.user_type.as_deref() == Some(ty.as_str()) => Some((e, from.as_str(), to.as_str())),
                    _ => None,
                })
                .collect();
            // Values N may write into the column, and who writes them.
            let mut written: Vec<(String, SiteRef)> = Vec::new();
            for (site, res) in &cx.head_sites {
                for u in res.columns.iter().filter(|u| u.table == table && u.column == column && u.access.writes()) {
                    for v in &u.values {
                        written.push((v.clone(), SiteRef::new(Revision::Head, &site.file, site.line, &site.item, SiteUse::Column(u.access))));
                    }
                }
            }
            for (site, e) in head_enums.iter().filter(|(_, e)| decodes_column(head, e, table, column)) {
                for v in e.variants.iter().filter_map(|v| v.value.as_ref()) {
                    written.push((v.clone(), enum_site(Revision::Head, site, e, SiteUse::MayWrite)));
                }
            }
            for (_, e) in cx.pending_events() {
                if let Change::DataChange { table: tb, values, .. } = &e.change {
                    for (col, v) in values.iter().filter(|(col, _)| tb == table && col == column) {
                        let _ = col;
                        written.push((
                            v.clone(),
                            SiteRef::new(Revision::Head, &e.at.file, e.at.line, "migration", SiteUse::Column(crate::footprint::Access::Write)),
                        ));
                    }
                }
            }
            for (dsite, dec) in decoders {
                if dec.has_other {
                    continue;
                }
                let known: Vec<&str> = dec.variants.iter().filter_map(|v| v.value.as_deref()).collect();
                let mut missing: Vec<&str> = written.iter().map(|(v, _)| v.as_str()).filter(|v| !known.contains(v)).collect();
                missing.sort();
                missing.dedup();
                if missing.is_empty() {
                    // A value the type gained but nobody writes yet: a warning, it is one INSERT away.
                    for (ev, value) in &added {
                        if !known.contains(&value.as_str()) {
                            let ty = c.ty.display();
                            out.push(
                                Finding::new(&META, table, Some(column))
                                    .at(ev)
                                    .severity(Severity::Warning)
                                    .message(format!(
                                        "{}:{} adds '{value}' to `{ty}`; N does not write it, but N-1's `{}` cannot decode it once anything does",
                                        ev.at.file, ev.at.line, dec.rust_name
                                    ))
                                    .help(format!(
                                        "add a `{value}` variant (or a #[migsafe(other)] catch-all) to `{}` in a release before the one that writes it",
                                        dec.rust_name
                                    ))
                                    .sites(vec![enum_site(Revision::Base, dsite, dec, SiteUse::Decodes)]),
                            );
                        }
                    }
                    continue;
                }
                let mut sites = vec![enum_site(Revision::Base, dsite, dec, SiteUse::Decodes)];
                sites.extend(cx.base_sites_touching(table, Some(column), |a| a == crate::footprint::Access::Read));
                for (v, s) in &written {
                    if missing.contains(&v.as_str()) && !sites.contains(s) {
                        sites.push(s.clone());
                    }
                }
                // A renamed value that N-1 decodes under its old name: the rename's own finding below says it all.
                if missing.iter().all(|v| renamed.iter().any(|(_, from, to)| to == v && known.contains(from))) {
                    continue;
                }
                let event = added
                    .iter()
                    .find(|(_, value)| missing.contains(&value.as_str()))
                    .map(|(e, _)| *e)
                    .or_else(|| renamed.iter().find(|(_, _, to)| missing.contains(to)).map(|(e, _, _)| *e));
                let vals = missing.iter().map(|v| format!("'{v}'")).collect::<Vec<_>>().join(", ");
                let mut f = Finding::new(&META, table, Some(column))
                    .message(format!(
                        "N writes {vals} into `{table}.{column}`, which N-1's `{}` cannot decode: every N-1 query that meets such a row fails, during the rollout and after a rollback",
                        dec.rust_name
                    ))
                    .help(format!(
                        "ship the decoding first: add {} for {vals} to `{}` (or a #[migsafe(other)] catch-all) in a release that runs before any release writes {}",
                        if missing.len() == 1 { "a variant" } else { "variants" },
                        dec.rust_name,
                        if missing.len() == 1 { "it" } else { "them" }
                    ))
                    .sql(format!("-- no schema change makes N-1 decode {vals}: release the enum variant first, then the code that writes it"))
                    .sites(sites);
                if let Some(e) = event {
                    f = f.at(e);
                }
                out.push(f);
            }
        }
    }
    // A renamed value: N-1 decodes and writes the old spelling.
    for (_, e) in cx.pending_events() {
        let Change::EnumValueRenamed { ty, from, to } = &e.change else { continue };
        for (table, column) in head.columns_of_enum(ty) {
            let mut sites: Vec<SiteRef> = base_enums
                .iter()
                .filter(|(_, d)| {
                    decodes_column(head, d, &table, &column) && !d.has_other && d.variants.iter().any(|v| v.value.as_deref() == Some(from.as_str()))
                })
                .map(|(s, d)| enum_site(Revision::Base, s, d, SiteUse::Decodes))
                .collect();
            sites.extend(
                cx.base_sites
                    .iter()
                    .filter(|(_, r)| r.columns.iter().any(|u| u.table == table && u.column == column && u.values.contains(from)))
                    .map(|(s, _)| SiteRef::new(Revision::Base, &s.file, s.line, &s.item, SiteUse::UsesTheLiteral)),
            );
            if sites.is_empty() {
                continue;
            }
            out.push(
                Finding::new(&META, &table, Some(&column))
                    .at(e)
                    .message(format!("{}:{} renames '{from}' to '{to}' in `{ty}`, but N-1 still decodes and writes '{from}'", e.at.file, e.at.line))
                    .help(format!("add '{to}' as a new value, have N write it and N-1 decode both, migrate rows, and retire '{from}' later"))
                    .sql(format!("ALTER TYPE {ty} ADD VALUE '{to}';\n-- once every running release decodes '{to}':\nUPDATE {table} SET {column} = '{to}' WHERE {column} = '{from}';"))
                    .sites(sites),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{compat_keys as keys, run};
    use crate::Dialect;

    const V1: (&str, &str) = ("V1__t.sql", "CREATE TYPE st AS ENUM ('a', 'b');\nCREATE TABLE t (id INT PRIMARY KEY, s st NOT NULL);");
    const V2: (&str, &str) = ("V2__x.sql", "ALTER TYPE st ADD VALUE 'c';");
    const BASE: &str = r#"#[derive(SqlEnum)] #[migsafe(type = "st")] enum St { #[migsafe(rename = "a")] A, #[migsafe(rename = "b")] B }"#;

    #[test]
    fn fires_when_n_writes_the_new_value() {
        let head = r#"const Q: &str = sql!("UPDATE t SET s = 'c' WHERE id = $1");"#;
        let r = run(Dialect::Postgres, (&[V1], BASE), (&[V1, V2], head));
        assert_eq!(keys(&r), ["enum-value-not-decodable error t.s"]);
        assert!(r.findings[0].message.contains("'c'"));
        assert_eq!(r.findings[0].migration.as_ref().unwrap().file, "migrations/V2__x.sql");
    }

    #[test]
    fn warns_only_when_nobody_writes_it_and_is_quiet_with_a_catch_all() {
        let r = run(Dialect::Postgres, (&[V1], BASE), (&[V1, V2], ""));
        assert_eq!(keys(&r), ["enum-value-not-decodable warning t.s"]);
        let other = r#"#[derive(SqlEnum)] #[migsafe(type = "st")] enum St { #[migsafe(rename = "a")] A, #[migsafe(rename = "b")] B, #[migsafe(other)] X }"#;
        let r = run(Dialect::Postgres, (&[V1], other), (&[V1, V2], r#"const Q: &str = sql!("UPDATE t SET s = 'c'");"#));
        assert!(keys(&r).is_empty(), "{:?}", keys(&r));
    }

    #[test]
    fn mysql_enum_lists_that_gain_a_value() {
        let v1 = ("V1__t.sql", "CREATE TABLE t (id INT PRIMARY KEY, p ENUM('low', 'high') NOT NULL);");
        let v2 = ("V2__p.sql", "ALTER TABLE t MODIFY COLUMN p ENUM('low', 'high', 'urgent') NOT NULL;");
        let base = r#"#[derive(SqlEnum)] #[migsafe(column = "t.p", rename_all = "lowercase")] enum P { Low, High }
            #[derive(Table)] #[migsafe(table = "t")] struct T { id: i32, p: P }"#;
        let head = r#"const Q: &str = sql!("UPDATE t SET p = 'urgent' WHERE id = ?");"#;
        let r = run(Dialect::Mysql, (&[v1], base), (&[v1, v2], head));
        // Not a type change: the list only grew, and N-1's field still decodes every old value.
        assert_eq!(keys(&r), ["enum-value-not-decodable error t.p"]);
        assert_eq!(r.findings[0].migration.as_ref().unwrap().file, "migrations/V2__p.sql");
        // Nobody writes it yet: a warning naming the migration.
        let r = run(Dialect::Mysql, (&[v1], base), (&[v1, v2], ""));
        assert_eq!(keys(&r), ["enum-value-not-decodable warning t.p"]);
        assert!(r.findings[0].message.contains("adds 'urgent' to `enum('low','high','urgent')`"), "{}", r.findings[0].message);
        // A catch-all decodes it.
        let other = base.replace("High }", "High, #[migsafe(other)] Other }");
        let r = run(Dialect::Mysql, (&[v1], &other), (&[v1, v2], head));
        assert!(keys(&r).is_empty(), "{:?}", keys(&r));
    }

    #[test]
    fn a_renamed_value_is_one_finding_at_the_rename() {
        let v2 = ("V2__r.sql", "ALTER TYPE st RENAME VALUE 'b' TO 'bee';");
        let head = r#"#[derive(SqlEnum)] #[migsafe(type = "st")] enum St { #[migsafe(rename = "a")] A, #[migsafe(rename = "bee")] B }"#;
        let r = run(Dialect::Postgres, (&[V1], BASE), (&[V1, v2], head));
        assert_eq!(keys(&r), ["enum-value-not-decodable error t.s"]);
        assert!(r.findings[0].message.contains("renames 'b' to 'bee'"), "{}", r.findings[0].message);
        assert_eq!(r.findings[0].migration.as_ref().unwrap().file, "migrations/V2__r.sql");
    }

    #[test]
    fn text_status_columns_too() {
        let v1 = ("V1__t.sql", "CREATE TABLE t (id INT PRIMARY KEY, status TEXT NOT NULL);");
        let base = r#"#[derive(SqlEnum)] #[migsafe(column = "t.status", rename_all = "UPPERCASE")] enum S { New, Paid }"#;
        let head = r#"const Q: &str = sql!("INSERT INTO t (id, status) VALUES ($1, 'REFUNDED')");"#;
        let r = run(Dialect::Postgres, (&[v1], base), (&[v1], head));
        assert_eq!(keys(&r), ["enum-value-not-decodable error t.status"]);
        assert!(r.findings[0].migration.is_none());
    }
}
