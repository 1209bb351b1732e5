//! SQLite: ALTER TABLE forms SQLite does not have, or refuses on a table with rows.

use super::{existed_at, Category, Finding, RuleMeta};
use crate::check::Context;
use crate::diag::Severity;
use crate::schema::Change;
use crate::Dialect;

pub static META: RuleMeta = RuleMeta {
    id: "sqlite-alter-unsupported",
    category: Category::Hazard,
    dialects: &[Dialect::Sqlite],
    severity: Severity::Error,
    summary: "SQLite: ALTER COLUMN / ADD CONSTRAINT do not exist, and ADD COLUMN NOT NULL without a default fails on a table with rows",
    explain: "\
SQLite's ALTER TABLE can rename a table or column, add a column and drop a
column; nothing else. `ALTER COLUMN … TYPE`, `SET / DROP NOT NULL`, `SET /
DROP DEFAULT` and `ADD / DROP CONSTRAINT` are syntax errors, so the migration
fails. `ADD COLUMN … NOT NULL` without a default fails with \"Cannot add a NOT
NULL column with default value NULL\" when the table has rows (always, before
SQLite 3.37), so it is reported on tables that existed before the change.

Instead, add the column with a default (`NOT NULL DEFAULT …`), or rebuild the
table (create the new shape, copy the rows, drop, rename: SQLite's 12-step
procedure).",
};

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    for (_, e) in cx.pending_events() {
        let (table, column, what, sql) = match &e.change {
            Change::ColumnAdded { table, column, ty, nullable: false, default: None, .. } if existed_at(cx, table, e) => (
                table,
                Some(column.as_str()),
                format!("adds `{table}.{column}` NOT NULL without a default: SQLite fails with \"Cannot add a NOT NULL column with default value NULL\" on a table with rows"),
                format!("ALTER TABLE {table} ADD COLUMN {column} {} NOT NULL DEFAULT <value>;", ty.written),
            ),
            Change::ColumnTypeChanged { table, column, .. }
            | Change::SetNotNull { table, column }
            | Change::DropNotNull { table, column }
            | Change::SetDefault { table, column, .. }
            | Change::DropDefault { table, column } => (table, Some(column.as_str()), "alters a column, which SQLite's ALTER TABLE cannot do: the statement is a syntax error".to_string(), rebuild(table)),
            // Only ALTER TABLE records these (a CREATE TABLE's constraints come with TableCreated).
            Change::ConstraintAdded { table, .. } | Change::ConstraintDropped { table, .. } => {
                (table, None, "adds or drops a constraint, which SQLite's ALTER TABLE cannot do: the statement is a syntax error".to_string(), rebuild(table))
            }
            _ => continue,
        };
        out.push(
            Finding::new(&META, table.as_str(), column)
                .at(e)
                .message(format!("{}:{} {what}", e.at.file, e.at.line))
                .help("give the new column a default, or rebuild the table with the new definition (create, copy, drop, rename)")
                .sql(sql),
        );
    }
}

fn rebuild(table: &str) -> String {
    format!("CREATE TABLE new_{table} (… the new definition …);\nINSERT INTO new_{table} SELECT … FROM {table};\nDROP TABLE {table};\nALTER TABLE new_{table} RENAME TO {table};")
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{keys, run};
    use crate::Dialect;

    const V1: (&str, &str) = ("V1__t.sql", "CREATE TABLE t (id INTEGER PRIMARY KEY, n TEXT);");

    #[test]
    fn fires_on_not_null_without_default() {
        let r = run(Dialect::Sqlite, (&[V1], ""), (&[V1, ("V2__x.sql", "ALTER TABLE t ADD COLUMN x TEXT NOT NULL;")], ""));
        assert!(keys(&r).contains(&"sqlite-alter-unsupported error t.x".to_string()), "{:?}", keys(&r));
    }

    #[test]
    fn quiet_with_a_default_or_on_a_new_table() {
        let v2 = (
            "V2__x.sql",
            "ALTER TABLE t ADD COLUMN x TEXT NOT NULL DEFAULT '';\nCREATE TABLE u (id INTEGER PRIMARY KEY);\nALTER TABLE u ADD COLUMN y TEXT NOT NULL;",
        );
        let r = run(Dialect::Sqlite, (&[V1], ""), (&[V1, v2], ""));
        assert!(keys(&r).is_empty(), "{:?}", keys(&r));
    }
}
