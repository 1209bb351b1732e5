//! An undo / down script that would break N or destroy what it wrote.

use super::{any, describe_sites, Category, Finding, RuleMeta};
use crate::check::Context;
use crate::diag::Severity;
use crate::schema::Change;

pub static META: RuleMeta = RuleMeta {
    id: "undo-breaks-head",
    category: Category::Undo,
    dialects: &crate::Dialect::ALL,
    severity: Severity::Warning,
    summary: "running a pending migration's undo script would break N or destroy data N wrote",
    explain: "\
Undo scripts describe a rollback of the schema. While N still runs (pods,
workers, a slow rollout), an undo that drops or renames what N touches breaks
it, and dropping a column or table N wrote destroys that data for good.
Rolling back the code alone is the safe path when N-1 works on the new schema,
which is what `check` proves; so this is a warning: a path not to take.

Instead, roll back the code only. If the schema must go back too, roll the
code back first, wait until no N process runs, and copy what N wrote aside
before dropping it.",
};

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    for undo in &cx.undos {
        for e in &undo.events {
            let (table, column, what) = match &e.change {
                Change::ColumnDropped { table, column } => (table, Some(column), "drops"),
                Change::ColumnRenamed { table, from, .. } => (table, Some(from), "renames"),
                Change::ColumnTypeChanged { table, column, .. } => (table, Some(column), "changes the type of"),
                Change::SetNotNull { table, column } => (table, Some(column), "makes required"),
                Change::TableDropped { table } => (table, None, "drops"),
                Change::TableRenamed { from, .. } => (from, None, "renames"),
                Change::ViewDropped { view } => (view, None, "drops"),
                _ => continue,
            };
            let col = column.map(|c| c.as_str());
            let sites = cx.head_sites_touching(table, col, any);
            if sites.is_empty() {
                continue;
            }
            let writes = !cx.head_sites_touching(table, col, |a| a.writes()).is_empty();
            let target = match col {
                Some(c) => format!("`{table}.{c}`"),
                None => format!("`{table}`"),
            };
            let loss = if writes && what == "drops" { format!(", and destroys everything N wrote to {target}") } else { String::new() };
            out.push(
                Finding::new(&META, table, col)
                    .at(e)
                    .message(format!(
                        "undo script {}:{} {what} {target}, and {}: running it breaks N while N still runs{loss}",
                        e.at.file,
                        e.at.line,
                        describe_sites("N", &sites)
                    ))
                    .help("roll back the code only: N-1 works on the new schema; do not run this undo while any N process runs, and copy N's data aside before dropping it")
                    .sql(match col {
                        Some(c) if what == "drops" => format!("-- instead of the undo, keep the column; if it must go, after no N process runs:\nCREATE TABLE {table}_{c}_backup AS SELECT * FROM {table};\nALTER TABLE {table} DROP COLUMN {c};"),
                        _ => format!("-- instead of the undo: roll back the code only and leave {target} in place"),
                    })
                    .sites(sites),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{compat_keys as keys, run};
    use crate::Dialect;

    const V1: (&str, &str) = ("V1__t.sql", "CREATE TABLE t (id INT PRIMARY KEY);");
    const V2: (&str, &str) = ("V2__x.sql", "ALTER TABLE t ADD COLUMN s TEXT NOT NULL DEFAULT 'NEW';");

    #[test]
    fn fires_when_the_undo_drops_what_n_writes() {
        let head = r#"const Q: &str = sql!("UPDATE t SET s = 'PAID' WHERE id = $1");"#;
        let r = run(Dialect::Postgres, (&[V1], ""), (&[V1, V2, ("U2__x.sql", "ALTER TABLE t DROP COLUMN s;")], head));
        assert_eq!(keys(&r), ["undo-breaks-head warning t.s"]);
        let f = &r.findings[0];
        assert!(f.message.contains("U2__x.sql") && f.message.contains("destroys everything N wrote"), "{}", f.message);
    }

    #[test]
    fn quiet_when_n_does_not_touch_it() {
        let r = run(Dialect::Postgres, (&[V1], ""), (&[V1, V2, ("U2__x.sql", "ALTER TABLE t DROP COLUMN s;")], r#"const Q: &str = sql!("SELECT id FROM t");"#));
        assert!(keys(&r).is_empty(), "{:?}", keys(&r));
    }
}
