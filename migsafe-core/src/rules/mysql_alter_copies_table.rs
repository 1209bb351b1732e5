//! MySQL / MariaDB: ALTERs that need ALGORITHM=COPY on a table that holds data.

use super::{existed_at, Category, Finding, RuleMeta};
use crate::check::Context;
use crate::diag::Severity;
use crate::schema::{AlterAlgorithm, AlterLock, Change, ConstraintKind, Family, SqlType, TableOption};
use crate::Dialect;

pub static META: RuleMeta = RuleMeta {
    id: "mysql-alter-copies-table",
    category: Category::Hazard,
    dialects: &[Dialect::Mysql],
    severity: Severity::Warning,
    summary: "MySQL / MariaDB: this ALTER needs ALGORITHM=COPY, which copies the table and blocks its writes",
    explain: "\
InnoDB runs most ALTERs online: adding a nullable column (INSTANT in MySQL 8
and MariaDB 10.3+), adding an index (INPLACE, LOCK=NONE), renaming, changing
a default, widening a VARCHAR whose length prefix stays the same size,
appending values to an ENUM. Some need ALGORITHM=COPY: InnoDB copies every row
into a new table while writes are blocked (LOCK=SHARED) for the whole copy.
Those are: changing a column's data type (MODIFY / CHANGE to another type),
dropping the primary key without adding another, converting the character
set, and any ALTER that asks for ALGORITHM=COPY. A statement that states
`ALGORITHM=INPLACE` / `INSTANT` or `LOCK=NONE` is not reported (MySQL refuses
it rather than block), nor is a table created by the same change.

Instead, use an online schema change tool (gh-ost, pt-online-schema-change)
or expand and contract: add a column of the new type (INSTANT), backfill it
in batches, switch reads, drop the old column later. Add
`, ALGORITHM=INPLACE, LOCK=NONE` to an ALTER you expect to be online so MySQL
fails instead of blocking if it is not.",
};

/// InnoDB changes the column without copying the table.
fn online_type_change(from: &SqlType, to: &SqlType) -> bool {
    let (fw, tw) = (from.written.to_uppercase().replace(' ', ""), to.written.to_uppercase().replace(' ', ""));
    // Appending ENUM / SET values is INSTANT.
    if (fw.starts_with("ENUM(") || fw.starts_with("SET(")) && tw.starts_with(fw.trim_end_matches(')')) {
        return true;
    }
    match (from.family, to.family, from.length, to.length) {
        // VARCHAR widening is INPLACE while the length prefix keeps its size (255 bytes; 63 utf8mb4 characters).
        (Family::Text { fixed: false }, Family::Text { fixed: false }, Some(a), Some(b)) if from.catalog == "varchar" && to.catalog == "varchar" => {
            a <= b && ((a <= 63) == (b <= 63))
        }
        _ => false,
    }
}

/// The changes this rule reports on their own when the statement copies the table.
fn copies_anyway(c: &Change) -> bool {
    matches!(c, Change::ColumnTypeChanged { .. } | Change::TableOption { option: TableOption::ConvertCharset, .. })
        || matches!(c, Change::ConstraintDropped { name, .. } if name == "PRIMARY KEY")
}

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    let events: Vec<_> = cx.pending_events().collect();
    for (idx, e) in &events {
        // The ALTER's own ALGORITHM / LOCK clauses (its other events).
        let options: Vec<TableOption> = events
            .iter()
            .filter(|(i, o)| i == idx && o.statement_index == e.statement_index)
            .filter_map(|(_, o)| match &o.change {
                Change::TableOption { option, .. } => Some(*option),
                _ => None,
            })
            .collect();
        let explicit_copy = options.contains(&TableOption::Algorithm(AlterAlgorithm::Copy));
        let online =
            options.iter().any(|o| matches!(o, TableOption::Algorithm(AlterAlgorithm::Inplace | AlterAlgorithm::Instant) | TableOption::Lock(AlterLock::None)));
        if !explicit_copy && online {
            continue;
        }
        let (table, column, why, sql) = match &e.change {
            Change::ColumnTypeChanged { table, column, from, to, .. } if explicit_copy || !online_type_change(from, to) => (
                table.as_str(),
                Some(column.as_str()),
                format!("changes `{table}.{column}` from `{}` to `{}`", from.written, to.written),
                format!(
                    "-- now (expand), INSTANT:\nALTER TABLE {table} ADD COLUMN {column}_new {}, ALGORITHM=INSTANT;\n-- backfill in batches, switch reads, then later (contract):\nALTER TABLE {table} DROP COLUMN {column}, ALGORITHM=INPLACE, LOCK=NONE;\n-- or run the original ALTER through gh-ost / pt-online-schema-change",
                    to.written
                ),
            ),
            Change::ConstraintDropped { table, name } if name == "PRIMARY KEY" => {
                let replaced = events.iter().any(|(i, p)| i == idx && p.statement_index == e.statement_index && matches!(&p.change, Change::ConstraintAdded { constraint: ConstraintKind::PrimaryKey, .. }));
                if replaced && !explicit_copy {
                    continue;
                }
                (table.as_str(), None, format!("drops the primary key of `{table}` without adding another"), format!("-- drop and add in one statement (INPLACE), or run it through gh-ost / pt-online-schema-change:\nALTER TABLE {table} DROP PRIMARY KEY, ADD PRIMARY KEY (<columns>), ALGORITHM=INPLACE, LOCK=NONE;"))
            }
            Change::TableOption { table, option: TableOption::ConvertCharset } => {
                (table.as_str(), None, format!("converts `{table}` to another character set"), "-- run it through gh-ost / pt-online-schema-change, or convert column by column with expand / contract".to_string())
            }
            // ALGORITHM=COPY asked for: once per statement, unless an event above already says why it copies.
            Change::TableOption { table, option: TableOption::Algorithm(AlterAlgorithm::Copy) }
                if !events.iter().any(|(i, o)| i == idx && o.statement_index == e.statement_index && copies_anyway(&o.change)) =>
            {
                (table.as_str(), None, "asks for ALGORITHM=COPY".to_string(), format!("{}; -- with ALGORITHM=INPLACE, LOCK=NONE instead of ALGORITHM=COPY", super::first_line(e).replace("ALGORITHM=COPY", "ALGORITHM=INPLACE, LOCK=NONE")))
            }
            _ => continue,
        };
        if !existed_at(cx, table, e) {
            continue;
        }
        out.push(
            Finding::new(&META, table, column)
                .at(e)
                .message(format!(
                    "{}:{} {why}: InnoDB needs ALGORITHM=COPY, copying every row of `{table}` into a new table while its writes are blocked (LOCK=SHARED) for the whole copy",
                    e.at.file, e.at.line
                ))
                .help("expand and contract (a new column, backfilled in batches) or an online schema change tool (gh-ost, pt-online-schema-change)")
                .sql(sql),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{keys, run};
    use crate::Dialect;

    const V1: (&str, &str) = ("V1__t.sql", "CREATE TABLE t (id INT PRIMARY KEY, n INT, code VARCHAR(16), st ENUM('a','b'));");

    #[test]
    fn fires_on_a_type_change() {
        let r = run(Dialect::Mysql, (&[V1], ""), (&[V1, ("V2__x.sql", "ALTER TABLE t MODIFY n BIGINT;")], ""));
        assert_eq!(keys(&r), ["mysql-alter-copies-table warning t.n"]);
    }

    #[test]
    fn quiet_for_online_changes_explicit_algorithms_and_new_tables() {
        let v2 = (
            "V2__x.sql",
            "ALTER TABLE t MODIFY code VARCHAR(32);\nALTER TABLE t MODIFY st ENUM('a','b','c');\nALTER TABLE t ADD COLUMN x INT;\nALTER TABLE t MODIFY n BIGINT, ALGORITHM=INPLACE;\nCREATE TABLE u (id INT, n INT);\nALTER TABLE u MODIFY n BIGINT;",
        );
        let r = run(Dialect::Mysql, (&[V1], ""), (&[V1, v2], ""));
        assert!(keys(&r).is_empty(), "{:?}", keys(&r));
    }

    #[test]
    fn a_charset_conversion_is_blamed_on_its_own_table_however_it_is_written() {
        // It used to find the table by a `contains` on space-stripped text:
        // `orders_archive` was blamed on `orders`, a newline after TABLE hid it.
        let v1 = ("V1__t.sql", "CREATE TABLE orders (id INT PRIMARY KEY, note TEXT);\nCREATE TABLE orders_archive (id INT PRIMARY KEY, note TEXT);");
        let v2 = ("V2__x.sql", "ALTER TABLE orders_archive CONVERT TO CHARACTER SET utf8mb4;\nALTER TABLE\n  orders\n  CONVERT TO CHARACTER SET utf8mb4;");
        let r = run(Dialect::Mysql, (&[v1], ""), (&[v1, v2], ""));
        assert_eq!(keys(&r), ["mysql-alter-copies-table warning orders_archive.", "mysql-alter-copies-table warning orders."]);
        let online = ("V2__x.sql", "ALTER TABLE orders_archive CONVERT TO CHARACTER SET utf8mb4, ALGORITHM=INPLACE, LOCK=NONE;");
        assert!(keys(&run(Dialect::Mysql, (&[v1], ""), (&[v1, online], ""))).is_empty());
    }

    #[test]
    fn an_explicit_copy_is_one_finding_per_statement() {
        let v2 = ("V2__x.sql", "ALTER TABLE t ADD COLUMN x INT, ADD COLUMN y INT, ALGORITHM=COPY;\nALTER TABLE t ALGORITHM = COPY;");
        let r = run(Dialect::Mysql, (&[V1], ""), (&[V1, v2], ""));
        assert_eq!(r.findings.iter().filter(|f| f.rule == "mysql-alter-copies-table").count(), 2, "{:?}", keys(&r));
        let v2 = ("V2__x.sql", "ALTER TABLE t MODIFY n BIGINT, ALGORITHM=COPY;");
        assert_eq!(keys(&run(Dialect::Mysql, (&[V1], ""), (&[V1, v2], ""))), ["mysql-alter-copies-table warning t.n"]);
    }
}
