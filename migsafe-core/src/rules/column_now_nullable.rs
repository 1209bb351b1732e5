//! A column N-1 decodes as non-optional becomes nullable.

use super::{base_label, Category, Finding, RuleMeta};
use crate::annotations::Decl;
use crate::check::{Context, Revision, SiteRef, SiteUse};
use crate::diag::Severity;
use crate::footprint::Access;
use crate::ident::annotation_name;
use crate::schema::Change;

pub static META: RuleMeta = RuleMeta {
    id: "column-now-nullable",
    category: Category::OldRelease,
    dialects: &crate::Dialect::ALL,
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
                sites.push(SiteRef::new(Revision::Base, &site.file, f.line, &t.rust_name, SiteUse::Decodes));
            }
        }
        // sqlx's query! macros decode a column that was NOT NULL when N-1 was compiled as a plain `T`,
        // unless N-1's offline data (`.sqlx/`) shows the output it reads it as decoded into an Option.
        for (site, res) in &cx.base_sites {
            let Decl::Query(q) = &site.decl else { continue };
            let outputs: Vec<_> = q.offline.iter().filter(|o| o.base_name() == column.as_str()).collect();
            if !outputs.is_empty() && outputs.iter().all(|o| o.decodes_optional()) {
                continue;
            }
            if q.schema_typed && res.columns.iter().any(|u| u.table == *table && u.column == *column && u.access == Access::Read) {
                fields.push(format!(
                    "the query at {}:{} (sqlx's macros decode a column that was NOT NULL when N-1 was built as a plain `T`)",
                    site.file, site.line
                ));
                sites.push(SiteRef::new(Revision::Base, &site.file, site.line, &site.item, SiteUse::Decodes));
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
    fn a_sqlx_macro_whose_offline_data_decodes_an_option_is_quiet() {
        use sha2::{Digest, Sha256};
        let sql = "SELECT t.id, a FROM t";
        let m = format!("async fn f(p: &sqlx::PgPool) {{ sqlx::query!({sql:?}).fetch_all(p).await; }}");
        let path = format!(".sqlx/query-{:x}.json", Sha256::digest(sql.as_bytes()));
        let offline = |a: &str| {
            format!(
                r#"{{"db_name": "PostgreSQL", "query": {sql:?}, "describe": {{"columns": [{{"ordinal": 0, "name": "id", "type_info": "Int4"}}, {{"ordinal": 1, "name": {a:?}, "type_info": "Text"}}], "parameters": {{"Left": []}}, "nullable": [false, false]}}, "hash": "x"}}"#
            )
        };
        let run = |files: &[(&str, &str)]| crate::rules::testing::run_sources_with(Dialect::Postgres, (&[V1], &m), (&[V1, V2], ""), files);
        // `"a?"`: N-1 decodes an Option<String>.
        let optional = offline("a?");
        assert!(keys(&run(&[(&path, &optional)])).is_empty());
        // Decoded as a plain String, as the offline data says: it breaks.
        let plain = offline("a");
        assert_eq!(keys(&run(&[(&path, &plain)])), ["column-now-nullable error t.a"]);
        // Another query's data under this name is not this query's.
        let other = plain.replace("SELECT t.id, a FROM t", "SELECT 1");
        assert_eq!(keys(&run(&[(&path, &other.replace("\"a\"", "\"a?\""))])), ["column-now-nullable error t.a"]);
        // In the old single sqlx-data.json, keyed by the same hash.
        let legacy = format!(r#"{{"db": "PostgreSQL", "{}": {}}}"#, &path[12..76], offline("a?"));
        assert!(keys(&run(&[("sqlx-data.json", &legacy)])).is_empty());
    }

    #[test]
    fn quiet_for_an_option_field() {
        let r = run(Dialect::Postgres, (&[V1], r#"#[derive(Table)] #[migsafe(table = "t")] struct T { id: i32, a: Option<String> }"#), (&[V1, V2], ""));
        assert!(keys(&r).is_empty(), "{:?}", keys(&r));
    }
}
