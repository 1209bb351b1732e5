//! A pending migration renames a table or view that N-1 still touches.

use super::{any, base_label, describe_sites, Finding, RuleMeta};
use crate::check::Context;
use crate::diag::Severity;
use crate::schema::Change;

pub static META: RuleMeta = RuleMeta {
    id: "renamed-table-in-use",
    severity: Severity::Error,
    summary: "a pending migration renames a table or view that N-1 uses",
    explain: "\
N-1 names the table by its old name. After the rename every such query fails.

Instead, rename the table and leave a view under the old name for as long as
a running release uses it (a simple view over one table is updatable in
PostgreSQL and MySQL); drop the view in a later release.",
};

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    for (_, e) in cx.pending_events() {
        let (from, to) = match &e.change {
            Change::TableRenamed { from, to } | Change::ViewRenamed { from, to } => (from, to),
            _ => continue,
        };
        let sites = cx.base_sites_touching(from, None, any);
        if sites.is_empty() {
            continue;
        }
        out.push(
            Finding::new(&META, from, None)
                .at(e)
                .message(format!("{}:{} renames `{from}` to `{to}`, but {}: N-1 fails on the new schema", e.at.file, e.at.line, describe_sites(&base_label(cx), &sites)))
                .help(format!("keep the old name as a view over `{to}` until no running release uses `{from}`"))
                .sql(format!("ALTER TABLE {from} RENAME TO {to};\nCREATE VIEW {from} AS SELECT * FROM {to}; -- for N-1\n-- later, once no running release uses `{from}`:\nDROP VIEW {from};"))
                .sites(sites),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{compat_keys as keys, run};
    use crate::Dialect;

    const V1: (&str, &str) = ("V1__t.sql", "CREATE TABLE t (id INT PRIMARY KEY);");

    #[test]
    fn fires_on_rename_of_a_used_table() {
        let r = run(
            Dialect::Postgres,
            (&[V1], r#"const Q: &str = sql!("DELETE FROM t WHERE id = $1");"#),
            (&[V1, ("V2__r.sql", "ALTER TABLE t RENAME TO t2;")], ""),
        );
        assert_eq!(keys(&r), ["renamed-table-in-use error t."]);
        assert!(r.findings[0].safe_sql.as_deref().unwrap().contains("CREATE VIEW t AS SELECT * FROM t2"));
    }

    #[test]
    fn quiet_when_unused() {
        let r = run(Dialect::Postgres, (&[V1], ""), (&[V1, ("V2__r.sql", "ALTER TABLE t RENAME TO t2;")], ""));
        assert!(keys(&r).is_empty(), "{:?}", keys(&r));
    }
}
