//! CREATE INDEX on an existing PostgreSQL table without CONCURRENTLY.

use super::{Category, Finding, RuleMeta};
use crate::check::Context;
use crate::diag::Severity;
use crate::schema::Change;
use crate::Dialect;

pub static META: RuleMeta = RuleMeta {
    id: "index-without-concurrently",
    category: Category::Hazard,
    dialects: &[Dialect::Postgres],
    severity: Severity::Warning,
    summary: "CREATE INDEX without CONCURRENTLY on a table that already holds data blocks its writes",
    explain: "\
On PostgreSQL, `CREATE INDEX` takes a SHARE lock on the table: inserts,
updates and deletes wait for the whole build, which on a large table is an
outage. A table created by the same change is empty, so an index on it is
harmless and not reported (so is one dropped and re-created by the same
change: no other session sees it until the migration commits).

Instead, use `CREATE INDEX CONCURRENTLY` (outside a transaction: in sqlx add
`-- no-transaction`, in refinery/Flyway run it in a migration of its own).",
};

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    for (_, e) in cx.pending_events() {
        let Change::IndexCreated { index, table, columns, unique, concurrently: false } = &e.change else { continue };
        if !super::existed_at(cx, table, e) {
            continue;
        }
        let u = if *unique { "UNIQUE " } else { "" };
        out.push(
            Finding::new(&META, table, None)
                .at(e)
                .message(format!(
                    "{}:{} builds index `{index}` on `{table}` without CONCURRENTLY: it takes a SHARE lock and blocks every write to `{table}` until the build finishes",
                    e.at.file, e.at.line
                ))
                .help("build it with CREATE INDEX CONCURRENTLY, in a migration that does not run inside a transaction")
                .sql(format!("CREATE {u}INDEX CONCURRENTLY {index} ON {table} ({});", columns.join(", "))),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{keys, run};
    use crate::Dialect;

    const V1: (&str, &str) = ("V1__t.sql", "CREATE TABLE t (id INT PRIMARY KEY, s TEXT);");

    #[test]
    fn fires_on_an_existing_table() {
        let r = run(Dialect::Postgres, (&[V1], ""), (&[V1, ("V2__i.sql", "CREATE INDEX t_s ON t (s);")], ""));
        assert_eq!(keys(&r), ["index-without-concurrently warning t."]);
        assert!(r.findings[0].safe_sql.as_deref().unwrap().contains("CONCURRENTLY"));
    }

    #[test]
    fn quiet_on_a_new_table_or_concurrently() {
        let v2 = ("V2__i.sql", "CREATE TABLE u (id INT);\nCREATE INDEX u_id ON u (id);\nCREATE INDEX CONCURRENTLY t_s ON t (s);");
        let r = run(Dialect::Postgres, (&[V1], ""), (&[V1, v2], ""));
        assert!(keys(&r).iter().all(|k| !k.starts_with("index-without-concurrently")), "{:?}", keys(&r));
    }
}
