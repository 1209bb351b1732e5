//! A column N-1 decodes as non-optional becomes nullable.

use super::{base_label, Finding, RuleMeta};
use crate::annotations::Decl;
use crate::check::{Context, Revision, SiteRef};
use crate::diag::Severity;
use crate::footprint::Access;
use crate::ident::annotation_name;
use crate::schema::Change;

pub static META: RuleMeta = RuleMeta {
    id: "column-now-nullable",
    severity: Severity::Error,
    summary: "a column becomes nullable while N-1 decodes it into a non-Option field",
    explain: "\
`DROP NOT NULL` is the usual first step of retiring a column, and safe for
writes. But a struct of N-1 that decodes the column into a plain `T` (not
`Option<T>`) fails on the first row N writes without it.

Instead, ship a release whose struct reads `Option<T>` (or stops reading the
column) before the release that stops writing it.",
};

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    let dialect = cx.head.history.schema.dialect;
    for (_, e) in cx.pending_events() {
        let Change::DropNotNull { table, column } = &e.change else { continue };
        let mut sites = Vec::new();
        let mut fields = Vec::new();
        for (site, _) in &cx.base_sites {
            let Decl::Table(t) = &site.decl else { continue };
            if annotation_name(dialect, &t.table) != *table {
                continue;
            }
            for f in t.fields.iter().filter(|f| annotation_name(dialect, &f.column) == *column && !f.rust_type.optional) {
                fields.push(format!("`{}.{}: {}`", t.rust_name, f.field, f.rust_type.text));
                sites.push(SiteRef { revision: Revision::Base, file: site.file.clone(), line: f.line, item: t.rust_name.clone(), access: "decodes".into() });
            }
        }
        // sqlx's query! macros decode a column that was NOT NULL when N-1 was compiled as a plain `T`.
        for (site, res) in &cx.base_sites {
            let Decl::Query(q) = &site.decl else { continue };
            if q.schema_typed && res.columns.iter().any(|u| u.table == *table && u.column == *column && u.access == Access::Read) {
                fields.push(format!(
                    "the query at {}:{} (sqlx's macros decode a column that was NOT NULL when N-1 was built as a plain `T`)",
                    site.file, site.line
                ));
                sites.push(SiteRef { revision: Revision::Base, file: site.file.clone(), line: site.line, item: site.item.clone(), access: "decodes".into() });
            }
        }
        if sites.is_empty() {
            continue;
        }
        out.push(
            Finding::new(&META, table, Some(column))
                .at(e)
                .message(format!(
                    "{}:{} makes `{table}.{column}` nullable, but {} decodes it into {}: the first NULL fails to decode",
                    e.at.file,
                    e.at.line,
                    base_label(cx),
                    fields.join(", ")
                ))
                .help("first ship a release whose struct reads `Option<T>`; make the column nullable in the release after it")
                .sql(format!("-- keep, for now:\n-- ALTER TABLE {table} ALTER COLUMN {column} DROP NOT NULL;\n-- in the release after the one that reads Option<T>:\nALTER TABLE {table} ALTER COLUMN {column} DROP NOT NULL;"))
                .sites(sites),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{compat_keys as keys, run};
    use crate::Dialect;

    const V1: (&str, &str) = ("V1__t.sql", "CREATE TABLE t (id INT PRIMARY KEY, a TEXT NOT NULL);");
    const V2: (&str, &str) = ("V2__x.sql", "ALTER TABLE t ALTER COLUMN a DROP NOT NULL;");

    #[test]
    fn fires_for_a_plain_field() {
        let r = run(Dialect::Postgres, (&[V1], r#"#[derive(Table)] #[migsafe(table = "t")] struct T { id: i32, a: String }"#), (&[V1, V2], ""));
        assert_eq!(keys(&r), ["column-now-nullable error t.a"]);
    }

    #[test]
    fn fires_for_a_sqlx_macro_that_reads_it_not_for_a_sqlx_function() {
        let m = "async fn f(p: &sqlx::PgPool) { sqlx::query!(\"SELECT id, a FROM t\").fetch_all(p).await; }";
        let r = run(Dialect::Postgres, (&[V1], m), (&[V1, V2], ""));
        assert_eq!(keys(&r), ["column-now-nullable error t.a"]);
        assert!(r.findings[0].message.contains("sqlx's macros"), "{}", r.findings[0].message);
        let f = "async fn f(p: &sqlx::PgPool) { sqlx::query(\"SELECT id, a FROM t\").fetch_all(p).await; }";
        let r = run(Dialect::Postgres, (&[V1], f), (&[V1, V2], ""));
        assert!(keys(&r).is_empty(), "{:?}", keys(&r));
    }

    #[test]
    fn quiet_for_an_option_field() {
        let r = run(Dialect::Postgres, (&[V1], r#"#[derive(Table)] #[migsafe(table = "t")] struct T { id: i32, a: Option<String> }"#), (&[V1, V2], ""));
        assert!(keys(&r).is_empty(), "{:?}", keys(&r));
    }
}
