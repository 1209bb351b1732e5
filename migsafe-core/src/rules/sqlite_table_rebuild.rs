//! SQLite: the create-copy-drop-rename rebuild of a table that holds data.

use super::{existed, Category, Finding, RuleMeta};
use crate::check::Context;
use crate::diag::Severity;
use crate::schema::{Change, Event};
use crate::Dialect;

pub static META: RuleMeta = RuleMeta {
    id: "sqlite-table-rebuild",
    category: Category::Hazard,
    dialects: &[Dialect::Sqlite],
    severity: Severity::Info,
    summary: "SQLite: the migration rebuilds a table (create, copy, drop, rename), rewriting every row",
    explain: "\
SQLite cannot change a column's type or constraints in place, so migrations
rebuild the table: `CREATE TABLE new_t`, `INSERT INTO new_t SELECT … FROM t`,
`DROP TABLE t`, `ALTER TABLE new_t RENAME TO t` (or rename first, then copy).
Every row is rewritten while the database's write lock is held, and every
writer waits. Worse, with `PRAGMA foreign_keys = ON` the `DROP TABLE` deletes
the rows first: tables that reference it with `ON DELETE CASCADE` lose their
rows, others make the drop fail, and `PRAGMA foreign_keys = OFF` has no
effect inside the transaction the migration tools open. Reported as info for
a table nothing references, as a warning when other tables reference it; a
table created by the same change is not reported.

Instead, follow SQLite's 12-step procedure: turn foreign keys off before the
transaction, rebuild, run `PRAGMA foreign_key_check`, commit, turn them back
on (with sqlx: `-- no-transaction` and explicit BEGIN / COMMIT).",
};

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    for &idx in &cx.pending {
        let events = &cx.head.history.events[idx].events;
        let created = |t: &str| events.iter().find(|e| matches!(&e.change, Change::TableCreated { table } if table == t));
        let dropped = |t: &str| events.iter().find(|e| matches!(&e.change, Change::TableDropped { table } if table == t));
        let mut seen: Vec<String> = Vec::new();
        for e in events.iter() {
            let Change::TableRenamed { from, to } = &e.change else { continue };
            let n = e.statement_index;
            // The rebuilt table and the statement that starts the rebuild.
            let rebuilt: Option<(String, &Event)> = match (created(from), dropped(to)) {
                // CREATE new_t, copy, DROP t, RENAME new_t TO t.
                (Some(c), Some(d)) if c.statement_index < n && d.statement_index < n => Some((to.clone(), c)),
                // RENAME t TO t_old, CREATE t, copy, DROP t_old.
                (Some(c), Some(d)) if c.statement_index > n && d.statement_index > n => Some((from.clone(), e)),
                _ => None,
            };
            let Some((table, start)) = rebuilt else { continue };
            if !existed(cx, &table) || seen.contains(&table) {
                continue;
            }
            seen.push(table.clone());
            let referencing: Vec<String> = cx
                .base
                .history
                .schema
                .tables
                .values()
                .filter(|t| t.name != table && t.foreign_keys.iter().any(|f| f.references == table))
                .map(|t| t.name.clone())
                .collect();
            let (sev, fk) = if referencing.is_empty() {
                (Severity::Info, String::new())
            } else {
                (
                    Severity::Warning,
                    format!(
                        "; {} reference{} it, so with foreign keys on, dropping the old table deletes through ON DELETE CASCADE or fails",
                        referencing.iter().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(", "),
                        if referencing.len() == 1 { "s" } else { "" }
                    ),
                )
            };
            out.push(
                Finding::new(&META, table.as_str(), None)
                    .at(start)
                    .severity(sev)
                    .message(format!("{}:{} rebuilds `{table}`: every row is copied into a new table while SQLite's write lock is held{fk}", start.at.file, start.at.line))
                    .help("follow SQLite's 12-step rebuild: foreign keys off outside the transaction, rebuild, PRAGMA foreign_key_check, commit, foreign keys on")
                    .sql(format!(
                        "PRAGMA foreign_keys = OFF;  -- outside the transaction\nBEGIN;\nCREATE TABLE new_{table} (…);\nINSERT INTO new_{table} SELECT … FROM {table};\nDROP TABLE {table};\nALTER TABLE new_{table} RENAME TO {table};\n-- recreate its indexes and triggers\nPRAGMA foreign_key_check;\nCOMMIT;\nPRAGMA foreign_keys = ON;"
                    )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{keys, run};
    use crate::Dialect;

    const V1: (&str, &str) = (
        "V1__t.sql",
        "CREATE TABLE t (id INTEGER PRIMARY KEY, n TEXT);\nCREATE TABLE c (id INTEGER PRIMARY KEY, t_id INTEGER REFERENCES t (id) ON DELETE CASCADE);",
    );
    const REBUILD: &str = "CREATE TABLE new_t (id INTEGER PRIMARY KEY, n INTEGER);\nINSERT INTO new_t (id, n) SELECT id, n FROM t;\nDROP TABLE t;\nALTER TABLE new_t RENAME TO t;";

    #[test]
    fn fires_on_the_rebuild_pattern_and_warns_when_referenced() {
        let r = run(Dialect::Sqlite, (&[V1], ""), (&[V1, ("V2__x.sql", REBUILD)], ""));
        assert_eq!(keys(&r), ["sqlite-table-rebuild warning t."]);
        assert_eq!(r.findings[0].migration.as_ref().unwrap().line, 1);
        let alt = "ALTER TABLE t RENAME TO t_old;\nCREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER);\nINSERT INTO t SELECT * FROM t_old;\nDROP TABLE t_old;";
        let r = run(Dialect::Sqlite, (&[V1], ""), (&[V1, ("V2__x.sql", alt)], ""));
        assert_eq!(keys(&r), ["sqlite-table-rebuild warning t."]);
    }

    #[test]
    fn quiet_for_a_table_created_in_the_same_change() {
        let v2 = (
            "V2__x.sql",
            "CREATE TABLE u (id INTEGER PRIMARY KEY);\nCREATE TABLE new_u (id INTEGER PRIMARY KEY, x TEXT);\nDROP TABLE u;\nALTER TABLE new_u RENAME TO u;",
        );
        let r = run(Dialect::Sqlite, (&[V1], ""), (&[V1, v2], ""));
        assert!(keys(&r).is_empty(), "{:?}", keys(&r));
    }
}
