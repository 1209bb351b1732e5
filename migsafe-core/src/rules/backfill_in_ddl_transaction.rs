//! PostgreSQL: a whole-table UPDATE / DELETE in the same transaction as DDL.

use super::{existed_at, in_transaction, Category, Finding, InTransaction, RuleMeta};
use crate::check::Context;
use crate::diag::Severity;
use crate::schema::{Change, DataVerb, Event};
use crate::Dialect;

pub static META: RuleMeta = RuleMeta {
    id: "backfill-in-ddl-transaction",
    category: Category::Hazard,
    dialects: &[Dialect::Postgres],
    severity: Severity::Warning,
    summary: "a whole-table UPDATE / DELETE runs in the same transaction as DDL, holding the DDL's locks for the whole backfill",
    explain: "\
DDL takes ACCESS EXCLUSIVE on its table and keeps it until the transaction
commits. When the same migration (run in one transaction, as sqlx, diesel,
refinery and dbmate do by default) also updates or deletes every row of a
table that holds data, the lock is held for the whole backfill: reads and
writes of the altered table wait that long, and the backfill's row locks
block N-1's writes too. Only tables that existed before the change count;
a `WHERE` clause or a new table is not reported.

Instead, ship the DDL in one migration and the backfill in another (or in
application code), updating in batches of a few thousand rows, each in its
own transaction.",
};

fn is_ddl(c: &Change) -> bool {
    !matches!(
        c,
        Change::DataChange { .. }
            | Change::NoSchemaEffect { .. }
            | Change::Transaction { .. }
            | Change::Setting { .. }
            | Change::TableOption { .. }
            | Change::ConstraintValidated { .. }
            | Change::Unmodelled { .. }
            | Change::TableCreated { .. }
            | Change::ViewCreated { .. }
            | Change::EnumCreated { .. }
    ) && !matches!(c, Change::IndexCreated { concurrently: true, .. })
}

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    for &idx in &cx.pending {
        let events = &cx.head.history.events[idx].events;
        let ddl: Vec<&Event> = events.iter().filter(|e| is_ddl(&e.change) && e.change.table().is_some_and(|t| existed_at(cx, t, e))).collect();
        let Some(first_ddl) = ddl.first() else { continue };
        for e in events.iter() {
            let Change::DataChange { table, verb, whole_table: true, .. } = &e.change else { continue };
            if matches!(verb, DataVerb::Insert | DataVerb::Truncate) || !existed_at(cx, table, e) {
                continue;
            }
            let Some(InTransaction { why, .. }) = in_transaction(cx, idx, e.statement_index) else { continue };
            let locked = first_ddl.change.table().unwrap_or("");
            let v = if *verb == DataVerb::Update { "UPDATE" } else { "DELETE" };
            out.push(
                Finding::new(&META, table.as_str(), None)
                    .at(e)
                    .message(format!(
                        "{}:{} runs a {v} of every row of `{table}` in the same transaction as the DDL at line {} ({why}): ACCESS EXCLUSIVE on `{locked}` is held until the {v} finishes, and the rows it touches stay locked against N-1's writes",
                        e.at.file, e.at.line, first_ddl.at.line
                    ))
                    .help("move the backfill to a migration of its own (or to application code) and run it in batches, each in its own transaction")
                    .sql(format!("-- a separate migration, repeated until it touches no row:\n{v} … WHERE <key> IN (SELECT <key> FROM {table} WHERE <not yet done> LIMIT 5000);")),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{keys, run};
    use crate::Dialect;

    const V1: (&str, &str) = ("V1__t.sql", "CREATE TABLE t (id INT PRIMARY KEY, a TEXT);");

    #[test]
    fn fires_on_a_backfill_after_alter() {
        let r = run(Dialect::Postgres, (&[V1], ""), (&[V1, ("V2__x.sql", "ALTER TABLE t ADD COLUMN b TEXT;\nUPDATE t SET b = a;")], ""));
        assert_eq!(keys(&r), ["backfill-in-ddl-transaction warning t."]);
    }

    #[test]
    fn quiet_with_a_where_clause_or_alone() {
        let r = run(
            Dialect::Postgres,
            (&[V1], ""),
            (&[V1, ("V2__x.sql", "ALTER TABLE t ADD COLUMN b TEXT;\nUPDATE t SET b = a WHERE id < 100;"), ("V3__x.sql", "UPDATE t SET a = 'x';")], ""),
        );
        assert!(keys(&r).iter().all(|k| !k.starts_with("backfill")), "{:?}", keys(&r));
    }
}
