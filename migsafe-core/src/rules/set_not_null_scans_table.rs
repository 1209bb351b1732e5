//! PostgreSQL: SET NOT NULL scans a table that holds data under ACCESS EXCLUSIVE.

use super::{existed_at, Category, Finding, RuleMeta};
use crate::check::Context;
use crate::diag::Severity;
use crate::schema::{Change, ConstraintKind};
use crate::Dialect;

pub static META: RuleMeta = RuleMeta {
    id: "set-not-null-scans-table",
    category: Category::Hazard,
    dialects: &[Dialect::Postgres],
    severity: Severity::Warning,
    summary: "SET NOT NULL without a validated CHECK (col IS NOT NULL) scans the whole table under ACCESS EXCLUSIVE",
    explain: "\
`ALTER TABLE … ALTER COLUMN … SET NOT NULL` reads every row to prove there is
no NULL, holding an ACCESS EXCLUSIVE lock: reads and writes of the table
wait for the scan. Since PostgreSQL 12 the scan is skipped when a validated
`CHECK (col IS NOT NULL)` constraint already proves it, and validating such a
constraint (added `NOT VALID` first) takes only a SHARE UPDATE EXCLUSIVE lock.
A table created by the same change is empty and not reported; nor is a
column with an earlier validated check.

Instead, add the check `NOT VALID`, validate it, then set NOT NULL and drop
the check.",
};

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    let events: Vec<_> = cx.pending_events().map(|(_, e)| e).collect();
    for (n, e) in events.iter().enumerate() {
        let Change::SetNotNull { table, column } = &e.change else { continue };
        if !existed_at(cx, table, e) {
            continue;
        }
        // A validated check in the base schema, or added (and validated) earlier in the pending migrations.
        let in_base = cx.base.history.schema.tables.get(table).is_some_and(|t| t.checks.iter().any(|c| c.validated && c.proves_not_null.contains(column)));
        let earlier = &events[..n];
        let added = earlier.iter().enumerate().find(|(_, p)| {
            matches!(&p.change, Change::ConstraintAdded { table: t, constraint: ConstraintKind::Check, proves_not_null, .. } if t == table && proves_not_null.contains(column))
        });
        let validated = added.is_some_and(|(i, p)| {
            let Change::ConstraintAdded { not_valid, name, .. } = &p.change else { return false };
            !*not_valid
                || earlier[i + 1..]
                    .iter()
                    .any(|q| matches!(&q.change, Change::ConstraintValidated { table: t, name: v } if t == table && Some(v) == name.as_ref()))
        });
        if in_base || validated {
            continue;
        }
        let name = format!("{}_{column}_not_null", crate::ident::base_name(table));
        out.push(
            Finding::new(&META, table, Some(column))
                .at(e)
                .message(format!(
                    "{}:{} sets `{table}.{column}` NOT NULL: PostgreSQL scans every row of `{table}` to check it while holding ACCESS EXCLUSIVE (reads and writes wait for the scan)",
                    e.at.file, e.at.line
                ))
                .help("prove it first with a CHECK constraint added NOT VALID and validated (a lock that lets reads and writes through), then SET NOT NULL skips the scan")
                .sql(format!(
                    "ALTER TABLE {table} ADD CONSTRAINT {name} CHECK ({column} IS NOT NULL) NOT VALID;\nALTER TABLE {table} VALIDATE CONSTRAINT {name};\nALTER TABLE {table} ALTER COLUMN {column} SET NOT NULL;\nALTER TABLE {table} DROP CONSTRAINT {name};"
                )),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{keys, run};
    use crate::Dialect;

    const V1: (&str, &str) = ("V1__t.sql", "CREATE TABLE t (id INT PRIMARY KEY, s TEXT);");

    #[test]
    fn fires_without_a_validated_check() {
        let v2 = ("V2__x.sql", "ALTER TABLE t ADD CONSTRAINT c CHECK (s IS NOT NULL) NOT VALID;\nALTER TABLE t ALTER COLUMN s SET NOT NULL;");
        let r = run(Dialect::Postgres, (&[V1], ""), (&[V1, v2], ""));
        assert!(keys(&r).contains(&"set-not-null-scans-table warning t.s".to_string()), "{:?}", keys(&r));
    }

    #[test]
    fn quiet_after_a_validated_check_or_on_a_new_table() {
        let v2 = ("V2__x.sql", "ALTER TABLE t ADD CONSTRAINT c CHECK (s IS NOT NULL) NOT VALID;\nALTER TABLE t VALIDATE CONSTRAINT c;\nALTER TABLE t ALTER COLUMN s SET NOT NULL;\nCREATE TABLE u (a INT);\nALTER TABLE u ALTER COLUMN a SET NOT NULL;");
        let r = run(Dialect::Postgres, (&[V1], ""), (&[V1, v2], ""));
        assert!(keys(&r).iter().all(|k| !k.starts_with("set-not-null")), "{:?}", keys(&r));
    }

    #[test]
    fn a_check_in_the_base_proves_only_its_own_columns_and_only_once_validated() {
        let set = ("V3__x.sql", "ALTER TABLE t ALTER COLUMN s SET NOT NULL;");
        let fires = |v2: &str| {
            let base = [V1, ("V2__c.sql", v2)];
            let r = run(Dialect::Postgres, (&base, ""), (&[V1, ("V2__c.sql", v2), set], ""));
            keys(&r).contains(&"set-not-null-scans-table warning t.s".to_string())
        };
        // Validated in N-1 (also written quoted, or in an AND): proven.
        assert!(!fires("ALTER TABLE t ADD CONSTRAINT c CHECK (s IS NOT NULL);"));
        assert!(!fires("ALTER TABLE t ADD CONSTRAINT c CHECK (\"s\" IS NOT NULL AND id > 0);"));
        assert!(!fires("ALTER TABLE t ADD CONSTRAINT c CHECK (s IS NOT NULL) NOT VALID;\nALTER TABLE t VALIDATE CONSTRAINT c;"));
        // A check on another column whose name ends in `s` proved `s` when the text was searched.
        assert!(fires("ALTER TABLE t ADD COLUMN xs TEXT;\nALTER TABLE t ADD CONSTRAINT c CHECK (xs IS NOT NULL);"));
        // Added NOT VALID and never validated: the rows already there are not proven.
        assert!(fires("ALTER TABLE t ADD CONSTRAINT c CHECK (s IS NOT NULL) NOT VALID;"));
        // Dropped again.
        assert!(fires("ALTER TABLE t ADD CONSTRAINT c CHECK (s IS NOT NULL);\nALTER TABLE t DROP CONSTRAINT c;"));
    }
}
