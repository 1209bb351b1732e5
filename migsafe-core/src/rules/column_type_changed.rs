//! A pending migration changes the type of a column N-1 uses.

use super::{base_label, describe_sites, Category, Finding, RuleMeta};
use crate::annotations::Decl;
use crate::check::{Context, Revision, SiteRef, SiteUse};
use crate::diag::Severity;
use crate::footprint::site::{decodes, rust_family};
use crate::ident::annotation_name;
use crate::schema::{Change, Family};

pub static META: RuleMeta = RuleMeta {
    id: "column-type-changed",
    category: Category::OldRelease,
    dialects: &crate::Dialect::ALL,
    severity: Severity::Error,
    summary: "a pending migration changes a column's type beyond what N-1 decodes or writes",
    explain: "\
N-1 decodes each column into a Rust type and writes values of the old type.
A type change that its Rust types do not decode (INTEGER to BIGINT read as
`i32`, TEXT to an enum read as `String`) makes every read fail; a narrowing
(VARCHAR(64) to VARCHAR(16)) rejects the values N-1 still writes. Widenings
that decode the same way (VARCHAR(16) to VARCHAR(64) or TEXT) are fine.

Instead, add a column of the new type, write both, backfill, switch reads,
and drop the old column in a later release.",
};

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    let dialect = cx.head.history.schema.dialect;
    for (_, e) in cx.pending_events() {
        let Change::ColumnTypeChanged { table, column, from, to, .. } = &e.change else { continue };
        let readers = cx.base_sites_touching(table, Some(column), |a| a == crate::footprint::Access::Read);
        let writers = cx.base_sites_touching(table, Some(column), |a| a.writes());
        if readers.is_empty() && writers.is_empty() {
            continue;
        }
        let who = base_label(cx);
        // An enum swapped for another of the name N-1 knew (lemmy renames
        // the old type aside, creates the new one, converts, drops the old):
        // N-1 binds the type by that name and decodes every label it still
        // has; only the labels it lost can fail, when N-1 writes them.
        let knew = cx.base.history.schema.column(table, column).map(|c| &c.ty);
        let same_enum = to.family == Family::Enum && to.user_type.is_some() && knew.is_some_and(|k| k.family == Family::Enum && k.user_type == to.user_type);
        if same_enum {
            let labels = |schema: &crate::schema::Schema| to.user_type.as_ref().and_then(|n| schema.enums.get(n)).map(|e| e.values.clone());
            let (Some(had), Some(has)) = (labels(&cx.base.history.schema), labels(&cx.head.history.schema)) else { continue };
            let lost: Vec<&String> = had.iter().filter(|v| !has.contains(v)).collect();
            if lost.is_empty() || writers.is_empty() {
                continue;
            }
            let written: Vec<&String> = written_literals(cx, table, column).filter(|v| lost.contains(v)).collect();
            let (severity, why) = if written.is_empty() {
                (Severity::Warning, format!("{} and may write {}, which it no longer has", describe_sites(&who, &writers), quote(&lost)))
            } else {
                (Severity::Error, format!("N-1 writes {}, which it no longer has", quote(&written)))
            };
            out.push(
                Finding::new(&META, table, Some(column))
                    .at(e)
                    .severity(severity)
                    .message(format!(
                        "{}:{} replaces the enum `{}` of `{table}.{column}` by one of the same name, but {why}",
                        e.at.file,
                        e.at.line,
                        to.display()
                    ))
                    .help("keep the labels N-1 may write until no running release writes them, and remove them in a later release".to_string())
                    .sites(writers),
            );
            continue;
        }
        let mut problems: Vec<String> = Vec::new();
        let mut sites: Vec<SiteRef> = Vec::new();
        // Struct fields whose Rust type is known: judged by how their library decodes.
        let mut typed: Vec<(&str, u32)> = Vec::new();
        for (site, _) in &cx.base_sites {
            let Decl::Table(t) = &site.decl else { continue };
            if annotation_name(dialect, &t.table) != *table {
                continue;
            }
            for f in t.fields.iter().filter(|f| annotation_name(dialect, &f.column) == *column) {
                if let Some(fam) = rust_family(&f.rust_type.name) {
                    typed.push((&site.file, site.line));
                    if !decodes(dialect, fam, to, t.decoding) {
                        problems.push(format!("its field `{}.{}: {}` cannot decode `{}`", t.rust_name, f.field, f.rust_type.text, to.display()));
                        sites.push(SiteRef::new(Revision::Base, &site.file, f.line, &t.rust_name, SiteUse::Decodes));
                    }
                } else if (to.family == Family::Enum) != (from.family == Family::Enum) || (to.family == Family::Enum && to.user_type != from.user_type) {
                    // To or from an enum, or another enum type: the field's
                    // SqlEnum (or other type) decoded the old one. The values of
                    // a MySQL ENUM that only changes its list are
                    // enum-value-not-decodable's business.
                    problems.push(format!(
                        "its field `{}.{}: {}` decoded `{}`, not `{}`",
                        t.rust_name,
                        f.field,
                        f.rust_type.text,
                        from.display(),
                        to.display()
                    ));
                    sites.push(SiteRef::new(Revision::Base, &site.file, f.line, &t.rust_name, SiteUse::Decodes));
                }
            }
        }
        // The other readers (SQL whose result columns have no declared Rust
        // type): judged by the old type, as their library decodes it.
        let decoding =
            |r: &SiteRef| cx.base_sites.iter().find(|(s, _)| s.file == r.file && s.line == r.line).map_or(Default::default(), |(s, _)| s.source.decoding());
        let readers: Vec<SiteRef> = readers.into_iter().filter(|r| !typed.contains(&(r.file.as_str(), r.line)) && !from.decodes_as(to, decoding(r))).collect();
        if problems.is_empty() && !readers.is_empty() {
            problems.push(format!("{} it as `{}`, which does not decode as `{}`", describe_sites(&who, &readers), from.display(), to.display()));
            sites.extend(readers.iter().cloned());
        }
        let mut severity = Severity::Error;
        if !writers.is_empty() && !from.widens_to(to) {
            // Literals N-1 writes that no longer fit are certain failures.
            let written: Vec<&String> = written_literals(cx, table, column).collect();
            let too_long: Vec<&String> =
                written.iter().copied().filter(|v| matches!((to.family, to.length), (Family::Text { .. }, Some(n)) if v.chars().count() as u64 > n)).collect();
            let not_held: Vec<&String> = match to.inline_enum_values() {
                Some(held) => written.iter().copied().filter(|v| !held.contains(v)).collect(),
                None => Vec::new(),
            };
            if !too_long.is_empty() {
                problems.push(format!("N-1 writes {} longer than `{}` holds", quote(&too_long), to.display()));
            } else if !not_held.is_empty() {
                problems.push(format!("N-1 writes {}, which `{}` does not hold", quote(&not_held), to.display()));
            } else if problems.is_empty() {
                severity = Severity::Warning;
                problems.push(format!("{}: the values it writes as `{}` may not fit `{}`", describe_sites(&who, &writers), from.display(), to.display()));
            }
            sites.extend(writers.iter().cloned());
        }
        if problems.is_empty() {
            continue;
        }
        sites.dedup();
        out.push(
            Finding::new(&META, table, Some(column))
                .at(e)
                .severity(severity)
                .message(format!("{}:{} changes `{table}.{column}` from `{}` to `{}`, but {}", e.at.file, e.at.line, from.display(), to.display(), problems.join("; ")))
                .help(format!("add a new column of type `{}`, write both from N, backfill, switch reads, and drop `{column}` in a later release", to.display()))
                .sql(format!(
                    "-- now (expand):\nALTER TABLE {table} ADD COLUMN {column}_new {};\nUPDATE {table} SET {column}_new = {column} WHERE {column}_new IS NULL; -- backfill in batches\n-- later (contract), once no running release reads `{column}`:\nALTER TABLE {table} DROP COLUMN {column};",
                    to.written
                ))
                .sites(sites),
        );
    }
}

/// The literal values N-1 writes into `table.column`.
fn written_literals<'c>(cx: &'c Context, table: &'c str, column: &'c str) -> impl Iterator<Item = &'c String> {
    cx.base_sites
        .iter()
        .flat_map(|(_, r)| r.columns.iter())
        .filter(move |u| u.table == table && u.column == column && u.access.writes())
        .flat_map(|u| u.values.iter())
}

/// `'a', 'b'`.
fn quote(vs: &[&String]) -> String {
    vs.iter().map(|v| format!("'{v}'")).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{compat_keys as keys, run};
    use crate::Dialect;

    const V1: (&str, &str) = ("V1__t.sql", "CREATE TABLE t (id INT PRIMARY KEY, code VARCHAR(16) NOT NULL, n INT NOT NULL);");

    #[test]
    fn fires_when_the_struct_field_cannot_decode_the_new_type() {
        let src = r#"#[derive(Table)] #[migsafe(table = "t")] struct T { id: i32, n: i32 }"#;
        let r = run(Dialect::Postgres, (&[V1], src), (&[V1, ("V2__x.sql", "ALTER TABLE t ALTER COLUMN n TYPE BIGINT;")], ""));
        assert_eq!(keys(&r), ["column-type-changed error t.n"]);
        assert!(r.findings[0].message.contains("T.n: i32"), "{}", r.findings[0].message);
    }

    #[test]
    fn mysql_enum_lists_judged_by_their_values() {
        let v1 = ("V1__t.sql", "CREATE TABLE t (id INT PRIMARY KEY, p ENUM('low', 'mid', 'high') NOT NULL);");
        let base = r#"#[derive(SqlEnum)] #[migsafe(column = "t.p", rename_all = "lowercase")] enum P { Low, Mid, High, #[migsafe(other)] X }
            #[derive(Table)] #[migsafe(table = "t")] struct T { id: i32, p: P }
            const Q: &str = sql!("UPDATE t SET p = 'mid' WHERE id = ?");"#;
        // A value appended: N-1 still decodes and writes what it did.
        let grow = ("V2__p.sql", "ALTER TABLE t MODIFY COLUMN p ENUM('low', 'mid', 'high', 'urgent') NOT NULL;");
        let r = run(Dialect::Mysql, (&[v1], base), (&[v1, grow], ""));
        assert!(keys(&r).is_empty(), "{:?}", keys(&r));
        // A value N-1 writes removed: its UPDATE fails.
        let shrink = ("V2__p.sql", "ALTER TABLE t MODIFY COLUMN p ENUM('low', 'high') NOT NULL;");
        let r = run(Dialect::Mysql, (&[v1], base), (&[v1, shrink], ""));
        assert_eq!(keys(&r), ["column-type-changed error t.p"]);
        assert!(r.findings[0].message.contains("N-1 writes 'mid', which `enum('low','high')` does not hold"), "{}", r.findings[0].message);
    }

    #[test]
    fn an_enum_replaced_by_one_of_the_same_name_is_judged_by_the_labels_it_lost() {
        // lemmy 16ba42c1: rename the type aside, create the new one, convert, drop the old.
        let v1 = ("V1__t.sql", "CREATE TYPE sort AS ENUM ('Hot', 'New', 'TopDay');\nCREATE TABLE t (id INT PRIMARY KEY, s sort NOT NULL);");
        let swap = |labels: &str| {
            format!(
                "ALTER TYPE sort RENAME TO sort__;\nCREATE TYPE sort AS ENUM ({labels});\nALTER TABLE t ALTER COLUMN s TYPE sort USING s::text::sort;\nDROP TYPE sort__;"
            )
        };
        let reads = r#"#[derive(SqlEnum)] #[migsafe(type = "sort")] enum S { Hot, New, TopDay }
            #[derive(Table)] #[migsafe(table = "t")] struct T { id: i32, s: S }"#;
        let fewer = swap("'Hot', 'New'");
        let r = run(Dialect::Postgres, (&[v1], reads), (&[v1, ("V2__s.sql", &fewer)], ""));
        assert!(!keys(&r).iter().any(|k| k.starts_with("column-type-changed")), "{:?}", r.findings);
        // A writer may write a lost label: a warning naming it.
        let writes = format!("{reads}\nconst W: &str = sql!(\"UPDATE t SET s = $1 WHERE id = $2\");");
        let r = run(Dialect::Postgres, (&[v1], &writes), (&[v1, ("V2__s.sql", &fewer)], ""));
        assert_eq!(keys(&r), ["column-type-changed warning t.s"], "{:?}", r.findings);
        assert!(r.findings[0].message.contains("'TopDay'"), "{}", r.findings[0].message);
        // ... an error when it writes one literally.
        let literal = format!("{reads}\nconst W: &str = sql!(\"UPDATE t SET s = 'TopDay' WHERE id = $1\");");
        let r = run(Dialect::Postgres, (&[v1], &literal), (&[v1, ("V2__s.sql", &fewer)], ""));
        assert_eq!(keys(&r), ["column-type-changed error t.s"], "{:?}", r.findings);
        // The same labels: nothing to say.
        let same = swap("'Hot', 'New', 'TopDay'");
        let r = run(Dialect::Postgres, (&[v1], &writes), (&[v1, ("V2__s.sql", &same)], ""));
        assert!(!keys(&r).iter().any(|k| k.starts_with("column-type-changed")), "{:?}", r.findings);
        // Another enum's name: N-1's type is gone, an error as before.
        let other = "CREATE TYPE sort2 AS ENUM ('Hot', 'New');\nALTER TABLE t ALTER COLUMN s TYPE sort2 USING s::text::sort2;";
        let r = run(Dialect::Postgres, (&[v1], reads), (&[v1, ("V2__s.sql", other)], ""));
        assert_eq!(keys(&r), ["column-type-changed error t.s"], "{:?}", r.findings);
    }

    #[test]
    fn fires_when_a_written_literal_no_longer_fits() {
        let src = r#"const Q: &str = sql!("UPDATE t SET code = 'CANCELLED_BY_USER' WHERE id = $1");"#;
        let r = run(Dialect::Postgres, (&[V1], src), (&[V1, ("V2__x.sql", "ALTER TABLE t ALTER COLUMN code TYPE VARCHAR(8);")], ""));
        assert_eq!(keys(&r), ["column-type-changed error t.code"]);
    }

    #[test]
    fn timestamp_to_timestamptz_breaks_a_type_checked_decoder_but_not_diesel() {
        let v1 = ("V1__t.sql", "CREATE TABLE t (id INT PRIMARY KEY, at TIMESTAMP NOT NULL);");
        let v2 = ("V2__x.sql", "ALTER TABLE t ALTER COLUMN at TYPE TIMESTAMPTZ;");
        // sqlx checks the column's type OID: NaiveDateTime refuses timestamptz.
        let sqlx = "#[derive(sqlx::FromRow)] struct T { id: i32, at: chrono::NaiveDateTime }\n\
                    async fn f(p: &sqlx::PgPool) { let _ = sqlx::query_as::<_, T>(\"SELECT id, at FROM t\").fetch_all(p).await; }";
        let r = super::super::testing::run_sources(Dialect::Postgres, (&[v1], sqlx), (&[v1, v2], ""));
        assert!(keys(&r).contains(&"column-type-changed error t.at".to_string()), "{:?}", keys(&r));
        // diesel reads the 8-byte value whatever the column's declared type.
        let diesel = "diesel::table! { t (id) { id -> Int4, at -> Timestamp, } }";
        let r = super::super::testing::run_sources(Dialect::Postgres, (&[v1], diesel), (&[v1, v2], ""));
        assert!(!keys(&r).iter().any(|k| k.starts_with("column-type-changed")), "{:?}", keys(&r));
        // Nor diesel DSL reads that name the column.
        let dsl = "diesel::table! { t (id) { id -> Int4, at -> Timestamp, } }\nfn f(c: &mut PgConnection) { t::table.select((t::id, t::at)).load::<(i32, chrono::NaiveDateTime)>(c); }";
        let r = super::super::testing::run_sources(Dialect::Postgres, (&[v1], dsl), (&[v1, v2], ""));
        assert!(!keys(&r).iter().any(|k| k.starts_with("column-type-changed")), "{:?}", r.findings);
        // Nor a Selectable model (crates.io's ApiToken).
        let model = "#[derive(Debug, Identifiable, Queryable, Selectable, Associations)]\n#[diesel(belongs_to(User))]\n#[diesel(table_name = t)]\npub struct T {\n    pub id: i32,\n    #[serde(with = \"rfc3339\")]\n    pub at: NaiveDateTime,\n}";
        let r = super::super::testing::run_sources(Dialect::Postgres, (&[v1], model), (&[v1, v2], ""));
        assert!(!keys(&r).iter().any(|k| k.starts_with("column-type-changed")), "{:?}", r.findings);
        // ... but not a value of another size.
        let v2 = ("V2__x.sql", "ALTER TABLE t ALTER COLUMN at TYPE DATE;");
        let r = super::super::testing::run_sources(Dialect::Postgres, (&[v1], diesel), (&[v1, v2], ""));
        assert_eq!(keys(&r), ["column-type-changed error t.at"], "{:?}", r.findings);
    }

    #[test]
    fn quiet_for_a_widening() {
        let src = r#"const Q: &str = sql!("SELECT code FROM t"); const W: &str = sql!("UPDATE t SET code = $1");"#;
        let r = run(Dialect::Postgres, (&[V1], src), (&[V1, ("V2__x.sql", "ALTER TABLE t ALTER COLUMN code TYPE VARCHAR(64);")], ""));
        assert!(keys(&r).is_empty(), "{:?}", keys(&r));
    }
}
