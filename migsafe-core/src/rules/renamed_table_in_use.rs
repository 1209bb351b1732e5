//! A pending migration renames a table or view that N-1 still touches.

use super::{any, base_label, describe_sites, judge_replacement, Category, Finding, RuleMeta};
use crate::check::Context;
use crate::diag::Severity;
use crate::schema::Change;

pub static META: RuleMeta = RuleMeta {
    id: "renamed-table-in-use",
    category: Category::OldRelease,
    dialects: &crate::Dialect::ALL,
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
        // Something under the old name again (a view over the renamed table, a rebuilt table): judged by what it serves.
        if let Some(findings) = judge_replacement(cx, &META, e, from, &format!("renames `{from}` to `{to}`")) {
            out.extend(findings);
            continue;
        }
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

    const CUSTOMERS: (&str, &str) = ("V1__c.sql", "CREATE TABLE customers (id BIGINT PRIMARY KEY, name TEXT NOT NULL, email TEXT);");
    const N1: &str = r#"const ADD: &str = sql!("INSERT INTO customers (id, name, email) VALUES ($1, $2, $3) RETURNING id");
        const LIST: &str = sql!("SELECT id, name, email FROM customers ORDER BY name");
        const SET: &str = sql!("UPDATE customers SET email = $1 WHERE id = $2");"#;

    #[test]
    fn quiet_when_a_simple_view_keeps_the_old_name() {
        // PostgreSQL writes through a view over one table of plain columns: N-1 keeps working.
        let v2 = ("V2__r.sql", "ALTER TABLE customers RENAME TO clients;\nCREATE VIEW customers AS SELECT id, name, email FROM clients;");
        let r = run(Dialect::Postgres, (&[CUSTOMERS], N1), (&[CUSTOMERS, v2], ""));
        assert!(keys(&r).is_empty(), "{:?}", keys(&r));
    }

    #[test]
    fn a_view_that_loses_a_column_or_takes_no_writes_is_judged() {
        // The view leaves out email: N-1's reads and writes of it fail, nothing else does.
        let v2 = ("V2__r.sql", "ALTER TABLE customers RENAME TO clients;\nCREATE VIEW customers AS SELECT id, name FROM clients;");
        let r = run(Dialect::Postgres, (&[CUSTOMERS], N1), (&[CUSTOMERS, v2], ""));
        assert_eq!(keys(&r), ["renamed-table-in-use error customers.email"]);
        assert!(r.findings[0].message.contains("renames `customers` to `clients`, and the view now named `customers`"), "{}", r.findings[0].message);
        // DISTINCT: PostgreSQL cannot write through it.
        let v2 = ("V2__r.sql", "ALTER TABLE customers RENAME TO clients;\nCREATE VIEW customers AS SELECT DISTINCT id, name, email FROM clients;");
        let r = run(Dialect::Postgres, (&[CUSTOMERS], N1), (&[CUSTOMERS, v2], ""));
        assert_eq!(keys(&r), ["renamed-table-in-use error customers."]);
        assert!(r.findings[0].message.contains("not a simple one"), "{}", r.findings[0].message);
        // SQLite views take no writes at all.
        let v1 = ("20240101000000_c.sql", "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT);");
        let v2 = ("20240102000000_r.sql", "ALTER TABLE customers RENAME TO clients;\nCREATE VIEW customers AS SELECT id, name, email FROM clients;");
        let n1 = N1.replace('$', "?").replace("?1", "?").replace("?2", "?").replace("?3", "?").replace(" RETURNING id", "");
        let r = run(Dialect::Sqlite, (&[v1], &n1), (&[v1, v2], ""));
        assert_eq!(keys(&r), ["renamed-table-in-use error customers."]);
        assert!(r.findings[0].message.contains("SQLite views take no INSERT"), "{}", r.findings[0].message);
    }

    #[test]
    fn quiet_when_unused() {
        let r = run(Dialect::Postgres, (&[V1], ""), (&[V1, ("V2__r.sql", "ALTER TABLE t RENAME TO t2;")], ""));
        assert!(keys(&r).is_empty(), "{:?}", keys(&r));
    }
}
