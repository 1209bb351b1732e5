//! PostgreSQL: renames and drops wait for ACCESS EXCLUSIVE with no lock_timeout.

use super::{existed_at, lock_timeout_before, Category, Finding, RuleMeta};
use crate::check::Context;
use crate::diag::Severity;
use crate::schema::{Change, Event};
use crate::Dialect;

pub static META: RuleMeta = RuleMeta {
    id: "lock-without-timeout",
    category: Category::Hazard,
    dialects: &[Dialect::Postgres],
    // Info, not a warning: the statement is safe for both releases and
    // instant once locked; this is advice on how to run it, and a warning on
    // every expand / contract drop would be noise a user dismisses on sight.
    severity: Severity::Info,
    summary: "a rename or drop on a table in use waits for ACCESS EXCLUSIVE with no lock_timeout set",
    explain: "\
Renames and drops (`RENAME`, `DROP COLUMN`, `DROP CONSTRAINT`, `DROP INDEX`)
are instant once they hold their ACCESS EXCLUSIVE lock, but
they must wait for it behind every running query on the table, and while
they wait every new query on the table queues behind them. One slow report
query turns a millisecond rename into an outage. Reported once per script,
at its first such statement, for tables that existed before the change.
`DROP TABLE` is left out: a table no release uses has no queries to queue
behind (one in use is `dropped-table-in-use`).

Instead, set `lock_timeout` at the top of the script so the migration fails
fast (and is retried) rather than blocking the table: `SET lock_timeout =
'2s';`.",
};

/// The table a rename or drop locks with ACCESS EXCLUSIVE, and what it does.
fn locks(e: &Event) -> Option<(&str, String)> {
    match &e.change {
        Change::TableRenamed { from, to } => Some((from, format!("renames `{from}` to `{to}`"))),
        Change::ColumnRenamed { table, from, to } => Some((table, format!("renames `{table}.{from}` to `{to}`"))),
        Change::ColumnDropped { table, column } => Some((table, format!("drops `{table}.{column}`"))),
        Change::ConstraintDropped { table, name } => Some((table, format!("drops constraint `{name}` of `{table}`"))),
        Change::IndexDropped { index, table: Some(table), concurrently: false } => Some((table, format!("drops index `{index}` of `{table}`"))),
        _ => None,
    }
}

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    for &idx in &cx.pending {
        let events = &cx.head.history.events[idx].events;
        let hits: Vec<(&Event, &str, String)> = events
            .iter()
            .filter_map(|e| locks(e).map(|(t, what)| (e, t, what)))
            .filter(|(e, t, _)| existed_at(cx, t, e) && !lock_timeout_before(cx, idx, e.statement_index))
            .collect();
        let Some((first, table, what)) = hits.first() else { continue };
        let mut tables: Vec<&str> = hits.iter().map(|(_, t, _)| *t).collect();
        tables.dedup();
        let more = if hits.len() > 1 {
            format!(" (and {} more rename or drop{} after it)", hits.len() - 1, if hits.len() == 2 { "" } else { "s" })
        } else {
            String::new()
        };
        out.push(
            Finding::new(&META, *table, None)
                .at(first)
                .message(format!(
                    "{}:{} {what}{more} with no lock_timeout: waiting for ACCESS EXCLUSIVE on {} behind any running query, it makes every new query on {} queue behind it",
                    first.at.file,
                    first.at.line,
                    tables.iter().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(", "),
                    if tables.len() == 1 { "it" } else { "them" }
                ))
                .help("set lock_timeout at the top of the migration so it fails fast (and can be retried) instead of blocking the table")
                .sql(format!("SET lock_timeout = '2s';\n{};", super::first_line(first))),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{keys, run};
    use crate::Dialect;

    const V1: (&str, &str) = ("V1__t.sql", "CREATE TABLE t (id INT PRIMARY KEY, a TEXT, b TEXT);");

    #[test]
    fn fires_once_per_script() {
        let r = run(Dialect::Postgres, (&[V1], ""), (&[V1, ("V2__x.sql", "ALTER TABLE t DROP COLUMN a;\nALTER TABLE t RENAME COLUMN b TO c;")], ""));
        assert_eq!(keys(&r), ["lock-without-timeout info t."]);
        assert!(r.findings[0].message.contains("and 1 more"), "{}", r.findings[0].message);
    }

    #[test]
    fn quiet_after_set_lock_timeout_or_on_a_new_table() {
        let v2 = ("V2__x.sql", "SET lock_timeout = '2s';\nALTER TABLE t DROP COLUMN a;\nCREATE TABLE u (x INT, y INT);\nALTER TABLE u DROP COLUMN y;");
        let r = run(Dialect::Postgres, (&[V1], ""), (&[V1, v2], ""));
        assert!(keys(&r).is_empty(), "{:?}", keys(&r));
    }
}
