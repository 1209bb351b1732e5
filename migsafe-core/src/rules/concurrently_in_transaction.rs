//! PostgreSQL: CREATE / DROP INDEX CONCURRENTLY inside a transaction fails.

use super::{in_transaction, Category, Finding, InTransaction, RuleMeta, TxOpener};
use crate::check::Context;
use crate::diag::Severity;
use crate::schema::Change;
use crate::Dialect;

pub static META: RuleMeta = RuleMeta {
    id: "concurrently-in-transaction",
    category: Category::Hazard,
    dialects: &[Dialect::Postgres],
    severity: Severity::Error,
    summary: "CREATE / DROP INDEX CONCURRENTLY runs inside a transaction, where PostgreSQL refuses it",
    explain: "\
`CREATE INDEX CONCURRENTLY` and `DROP INDEX CONCURRENTLY` cannot run inside a
transaction block: the migration fails with \"cannot run inside a
transaction block\". A migration runs in one when the script says `BEGIN`, or
when its tool wraps each migration in a transaction, as sqlx, diesel,
refinery and dbmate do by default.

Instead, put the statement in a migration of its own that runs outside a
transaction: sqlx `-- no-transaction` as its first line, diesel
`run_in_transaction = false` in the migration's `metadata.toml`, dbmate
`-- migrate:up transaction:false`, Flyway a migration holding only that
statement; and no `BEGIN` in the script.",
};

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    for (idx, e) in cx.pending_events() {
        let (verb, index, table) = match &e.change {
            Change::IndexCreated { index, table, concurrently: true, .. } => ("builds", index, Some(table.as_str())),
            Change::IndexDropped { index, table, concurrently: true } => ("drops", index, table.as_deref()),
            _ => continue,
        };
        let Some(InTransaction { certain, by, why }) = in_transaction(cx, idx, e.statement_index) else { continue };
        let m = cx.migration(idx);
        let fix = m.tool.def().run_outside;
        let fix = if by == TxOpener::Script { "remove the BEGIN / COMMIT around it, and run it in a migration without a transaction" } else { fix };
        // Flyway runs a migration that holds nothing but CONCURRENTLY statements outside a
        // transaction by itself; only refinery (same file names) would fail: a note, not a warning.
        let alone = m.transaction == crate::migrations::TxMode::Unknown
            && by == TxOpener::Tool
            && cx.head.history.events[idx].events.iter().all(|o| super::needs_no_transaction(&o.change));
        let sev = if certain {
            Severity::Error
        } else if alone {
            Severity::Info
        } else {
            Severity::Warning
        };
        let hedge = if certain {
            ""
        } else if alone {
            " when run by refinery"
        } else {
            " (unless it opted out)"
        };
        out.push(
            Finding::new(&META, table.unwrap_or(""), None)
                .at(e)
                .severity(sev)
                .message(format!(
                    "{}:{} {verb} index `{index}` CONCURRENTLY inside a transaction{hedge}: {why}, and PostgreSQL refuses CONCURRENTLY in a transaction block, so the migration fails",
                    e.at.file, e.at.line
                ))
                .help(fix)
                .sql(format!("-- a migration of its own, run outside a transaction:\n{};", super::first_line(e))),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{keys, run, run_by};
    use crate::Dialect;

    const V1: (&str, &str) = ("20240101000000_t.sql", "CREATE TABLE t (id INT PRIMARY KEY, s TEXT);");

    #[test]
    fn fires_in_a_sqlx_migration_and_after_begin() {
        let r = run(Dialect::Postgres, (&[V1], ""), (&[V1, ("20240102000000_i.sql", "CREATE INDEX CONCURRENTLY t_s ON t (s);")], ""));
        assert_eq!(keys(&r), ["concurrently-in-transaction error t."]);
        let r =
            run(Dialect::Postgres, (&[V1], ""), (&[V1, ("20240102000000_i.sql", "-- no-transaction\nBEGIN;\nDROP INDEX CONCURRENTLY t_pkey;\nCOMMIT;")], ""));
        assert!(keys(&r).contains(&"concurrently-in-transaction error .".to_string()), "{:?}", keys(&r));
        // The script's own BEGIN is the cause: the help says to remove it, not sqlx's opt-out.
        let f = r.findings.iter().find(|f| f.rule == super::META.id).unwrap();
        assert!(f.help.contains("remove the BEGIN"), "{f:?}");
        // A Flyway file whose BEGIN opens the transaction is certain (an error), not refinery's note.
        let v1 = ("V1__t.sql", "CREATE TABLE t (id INT PRIMARY KEY, s TEXT);");
        let r = run(Dialect::Postgres, (&[v1], ""), (&[v1, ("V2__i.sql", "BEGIN;\nCREATE INDEX CONCURRENTLY t_s ON t (s);\nCOMMIT;")], ""));
        assert_eq!(keys(&r), ["concurrently-in-transaction error t."]);
    }

    #[test]
    fn a_flyway_migration_holding_only_the_index_is_a_note_mixed_is_a_warning() {
        let v1 = ("V1__t.sql", "CREATE TABLE t (id INT PRIMARY KEY, s TEXT);");
        let r = run(Dialect::Postgres, (&[v1], ""), (&[v1, ("V2__i.sql", "CREATE INDEX CONCURRENTLY t_s ON t (s);")], ""));
        assert_eq!(keys(&r), ["concurrently-in-transaction info t."]);
        let r = run(Dialect::Postgres, (&[v1], ""), (&[v1, ("V2__i.sql", "ALTER TABLE t ADD COLUMN x INT;\nCREATE INDEX CONCURRENTLY t_s ON t (s);")], ""));
        assert_eq!(keys(&r), ["concurrently-in-transaction warning t."]);
    }

    /// Issue 12: golang-migrate files were taken for sqlx's, so a file of only
    /// CREATE INDEX CONCURRENTLY (which golang-migrate runs outside a
    /// transaction) was an error with sqlx's advice.
    #[test]
    fn golang_migrate_sends_a_file_as_one_query() {
        use crate::migrations::Tool;
        let v1 = ("1_t.up.sql", "CREATE TABLE t (id INT PRIMARY KEY, s TEXT);");
        let alone = ("2_i.up.sql", "CREATE INDEX CONCURRENTLY t_s ON t (s);");
        assert!(keys(&run_by(Dialect::Postgres, Tool::named("golang-migrate").unwrap(), &[v1], &[v1, alone])).is_empty());
        let mixed = ("2_i.up.sql", "ALTER TABLE t ADD COLUMN x INT;\nCREATE INDEX CONCURRENTLY t_s ON t (s);");
        let r = run_by(Dialect::Postgres, Tool::named("golang-migrate").unwrap(), &[v1], &[v1, mixed]);
        let f = r.findings.iter().find(|f| f.rule == "concurrently-in-transaction").expect("fires");
        assert_eq!(f.severity, crate::diag::Severity::Error);
        assert!(f.message.contains("implicit transaction") && f.help.contains("golang-migrate"), "{f:?}");
        // The same names with sqlx (the default) stay sqlx's: in a transaction.
        assert_eq!(keys(&run(Dialect::Postgres, (&[v1], ""), (&[v1, alone], ""))), ["concurrently-in-transaction error t."]);
    }

    /// The opt-outs that live outside the SQL are read at discovery: diesel's
    /// `metadata.toml`, dbmate's `transaction:false`; refinery / Flyway by `tool`.
    #[test]
    fn each_tool_s_opt_out_is_read() {
        use crate::migrations::Tool;
        let d1 = ("2024-01-01-000000_t/up.sql", "CREATE TABLE t (id INT PRIMARY KEY, s TEXT);");
        let d2 = ("2024-01-02-000000_i/up.sql", "CREATE INDEX CONCURRENTLY t_s ON t (s);");
        let meta = ("2024-01-02-000000_i/metadata.toml", "run_in_transaction = false\n");
        assert_eq!(keys(&run(Dialect::Postgres, (&[d1], ""), (&[d1, d2], ""))), ["concurrently-in-transaction error t."]);
        assert!(keys(&run(Dialect::Postgres, (&[d1], ""), (&[d1, d2, meta], ""))).is_empty());
        let b1 = ("20240101000000_t.sql", "-- migrate:up\nCREATE TABLE t (id INT PRIMARY KEY, s TEXT);\n-- migrate:down\nDROP TABLE t;");
        let b2 = ("20240102000000_i.sql", "-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY t_s ON t (s);\n-- migrate:down\nDROP INDEX t_s;");
        assert!(keys(&run(Dialect::Postgres, (&[b1], ""), (&[b1, b2], ""))).is_empty());
        let b2 = ("20240102000000_i.sql", "-- migrate:up\nCREATE INDEX CONCURRENTLY t_s ON t (s);\n-- migrate:down\nDROP INDEX t_s;");
        assert_eq!(keys(&run(Dialect::Postgres, (&[b1], ""), (&[b1, b2], ""))), ["concurrently-in-transaction error t."]);
        let v1 = ("V1__t.sql", "CREATE TABLE t (id INT PRIMARY KEY, s TEXT);");
        let v2 = ("V2__i.sql", "CREATE INDEX CONCURRENTLY t_s ON t (s);");
        assert_eq!(keys(&run_by(Dialect::Postgres, Tool::named("refinery").unwrap(), &[v1], &[v1, v2])), ["concurrently-in-transaction error t."]);
        assert!(keys(&run_by(Dialect::Postgres, Tool::named("flyway").unwrap(), &[v1], &[v1, v2])).is_empty());
    }

    #[test]
    fn quiet_with_no_transaction() {
        let r = run(Dialect::Postgres, (&[V1], ""), (&[V1, ("20240102000000_i.sql", "-- no-transaction\nCREATE INDEX CONCURRENTLY t_s ON t (s);")], ""));
        assert!(keys(&r).is_empty(), "{:?}", keys(&r));
    }
}
