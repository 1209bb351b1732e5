//! A pending migration drops a table or view that N-1 still touches.

use super::{any, base_label, describe_sites, Finding, RuleMeta};
use crate::check::Context;
use crate::diag::Severity;
use crate::schema::Change;

pub static META: RuleMeta = RuleMeta {
    id: "dropped-table-in-use",
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
        // A view dropped and re-created by the same pending set is a redefinition.
        if what == "view" && cx.head.history.schema.views.contains_key(table) {
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

    #[test]
    fn quiet_for_an_unused_table() {
        let r = run(Dialect::Postgres, (&[V1], r#"const Q: &str = sql!("SELECT id FROM t");"#), (&[V1, ("V2__d.sql", "DROP TABLE u;")], ""));
        assert!(keys(&r).is_empty(), "{:?}", keys(&r));
    }
}
