//! A pending migration drops a table or view that N-1 still touches.

use super::{any, base_label, describe_sites, judge_replacement, Category, Finding, RuleMeta};
use crate::check::Context;
use crate::diag::Severity;
use crate::schema::Change;

pub static META: RuleMeta = RuleMeta {
    id: "dropped-table-in-use",
    category: Category::OldRelease,
    dialects: &crate::Dialect::ALL,
    severity: Severity::Error,
    summary: "a pending migration drops a table or view that N-1 uses",
    explain: "\
N-1 keeps running on the new schema. A table or view it queries must still be
there, or every such query fails, before and after a code rollback.

Instead, stop using the table in one release and drop it in a later one; to
keep its data for an undo, rename it aside (`ALTER TABLE t RENAME TO t_old`)
in that later release and drop it after.",
};

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    for (_, e) in cx.pending_events() {
        let (table, what) = match &e.change {
            Change::TableDropped { table } => (table, "table"),
            Change::ViewDropped { view } => (view, "view"),
            _ => continue,
        };
        // Re-created, rebuilt, or replaced by a view: N-1 is judged by what stands there now.
        if let Some(findings) = judge_replacement(cx, &META, e, table, &format!("drops {what} `{table}`")) {
            out.extend(findings);
            continue;
        }
        let sites = cx.base_sites_touching(table, None, any);
        if sites.is_empty() {
            continue;
        }
        out.push(
            Finding::new(&META, table, None)
                .at(e)
                .message(format!(
                    "{}:{} drops {what} `{table}`, but {}: N-1 fails on the new schema",
                    e.at.file,
                    e.at.line,
                    describe_sites(&base_label(cx), &sites)
                ))
                .help(format!("ship a release that no longer uses `{table}` first, and drop it in a later migration"))
                .sql(format!("-- later, once no running release uses it:\nDROP {} {table};", what.to_uppercase()))
                .sites(sites),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{compat_keys as keys, run};
    use crate::Dialect;

    const V1: (&str, &str) = ("V1__t.sql", "CREATE TABLE t (id INT PRIMARY KEY); CREATE TABLE u (id INT PRIMARY KEY);");

    #[test]
    fn fires_when_n_minus_1_counts_rows_of_the_dropped_table() {
        let r = run(Dialect::Postgres, (&[V1], r#"const Q: &str = sql!("SELECT count(*) FROM t");"#), (&[V1, ("V2__d.sql", "DROP TABLE t;")], ""));
        assert_eq!(keys(&r), ["dropped-table-in-use error t."]);
    }

    const P1: (&str, &str) = ("20240101000000_p.sql", "CREATE TABLE products (id INTEGER PRIMARY KEY, name TEXT NOT NULL, legacy_sku TEXT);");
    const READ: &str = r#"const Q: &str = sql!("SELECT id, name, legacy_sku FROM products WHERE id = ?");
        #[derive(Table)] #[migsafe(table = "products")] struct P { id: i64, name: String }"#;

    #[test]
    fn a_sqlite_rebuild_is_judged_by_the_columns_it_keeps() {
        // SQLite's way to drop a column: create, copy, drop, rename.
        let rebuild = |cols: &str| {
            format!("CREATE TABLE products_new (id INTEGER PRIMARY KEY, {cols});\nINSERT INTO products_new SELECT id, name FROM products;\nDROP TABLE products;\nALTER TABLE products_new RENAME TO products;")
        };
        let drop_sku = rebuild("name TEXT NOT NULL");
        let r = run(Dialect::Sqlite, (&[P1], READ), (&[P1, ("20240102000000_r.sql", &drop_sku)], ""));
        assert_eq!(keys(&r), ["dropped-table-in-use error products.legacy_sku"]);
        assert!(r.findings[0].message.contains("drops table `products`, and the table now named `products`"), "{}", r.findings[0].message);
        assert_eq!(r.findings[0].migration.as_ref().unwrap().line, 3);
        // A verb, as every rule's sites carry ("N-1 uses it here").
        assert_eq!(r.findings[0].sites.iter().map(|s| s.access_text()).collect::<Vec<_>>(), ["uses"]);
        assert!(r.findings[0].message.contains("does not serve `products.legacy_sku` as N-1 (0123456) uses it (src/lib.rs:1)"), "{}", r.findings[0].message);
        // A rebuild that keeps every column N-1 uses is harmless to it.
        let keep = rebuild("name TEXT NOT NULL, legacy_sku TEXT");
        let r = run(Dialect::Sqlite, (&[P1], READ), (&[P1, ("20240102000000_r.sql", &keep)], ""));
        assert!(keys(&r).iter().all(|k| !k.contains("error")), "{:?}", keys(&r));
    }

    #[test]
    fn a_re_created_table_is_judged_by_its_columns() {
        let v1 = ("V1__t.sql", "CREATE TABLE t (id INT PRIMARY KEY, a TEXT);");
        let n1 = r#"const Q: &str = sql!("INSERT INTO t (id, a) VALUES ($1, $2)");"#;
        let v2 = ("V2__t.sql", "DROP TABLE t;\nCREATE TABLE t (id INT PRIMARY KEY, a TEXT, b TEXT NOT NULL);");
        let r = run(Dialect::Postgres, (&[v1], n1), (&[v1, v2], ""));
        // One finding: the new required column is required-column-not-supplied's.
        assert_eq!(keys(&r), ["required-column-not-supplied error t.b"]);
        // A column the new table lacks is this rule's.
        let v2 = ("V2__t.sql", "DROP TABLE t;\nCREATE TABLE t (id INT PRIMARY KEY);");
        let r = run(Dialect::Postgres, (&[v1], n1), (&[v1, v2], ""));
        assert_eq!(keys(&r), ["dropped-table-in-use error t.a"]);
    }

    #[test]
    fn a_table_re_created_as_it_was_brings_no_problem_n_minus_1_did_not_have() {
        // lemmy's `user_fast`: CREATE TABLE … AS SELECT makes every column
        // nullable, before and after; a struct that decodes them as non-null
        // fares no worse on the re-created table.
        let v1 = ("V1__t.sql", "CREATE TABLE src (id INT PRIMARY KEY, a TEXT NOT NULL, b TEXT NOT NULL);\nCREATE TABLE fast AS SELECT * FROM src;");
        let n1 = r#"#[derive(Table)] #[migsafe(table = "fast")] struct F { id: i32, a: String, b: String }"#;
        let again = ("V2__t.sql", "DROP TABLE fast;\nCREATE TABLE fast AS SELECT * FROM src;");
        let r = run(Dialect::Postgres, (&[v1], n1), (&[v1, again], ""));
        assert!(keys(&r).iter().all(|k| !k.contains("error")), "{:?}", keys(&r));
        let without_b = ("V2__t.sql", "DROP TABLE fast;\nCREATE TABLE fast AS SELECT id, a FROM src;");
        let r = run(Dialect::Postgres, (&[v1], n1), (&[v1, without_b], ""));
        assert_eq!(keys(&r), ["dropped-table-in-use error fast.b"]);
    }

    #[test]
    fn quiet_for_an_unused_table() {
        let r = run(Dialect::Postgres, (&[V1], r#"const Q: &str = sql!("SELECT id FROM t");"#), (&[V1, ("V2__d.sql", "DROP TABLE u;")], ""));
        assert!(keys(&r).is_empty(), "{:?}", keys(&r));
    }
}
