//! PostgreSQL: ADD COLUMN with a volatile default rewrites a table that holds data.

use super::{existed_at, Category, Finding, RuleMeta};
use crate::check::Context;
use crate::diag::Severity;
use crate::schema::Change;
use crate::Dialect;

pub static META: RuleMeta = RuleMeta {
    id: "volatile-default-rewrites-table",
    category: Category::Hazard,
    dialects: &[Dialect::Postgres],
    severity: Severity::Warning,
    summary: "ADD COLUMN with a volatile default (random(), gen_random_uuid(), clock_timestamp(), a serial) rewrites the table",
    explain: "\
Since PostgreSQL 11, `ADD COLUMN … DEFAULT <constant>` only records the
default in the catalog. A volatile default (`gen_random_uuid()`, `random()`,
`clock_timestamp()`, `nextval(…)`, a `serial` column) has a different value
per row, so PostgreSQL rewrites the whole table under an ACCESS EXCLUSIVE
lock to store them: reads and writes wait until it finishes. `now()` is
stable within a transaction, not volatile, and is not reported; neither is
a table created by the same change.

Instead, add the column without a default, then set the default (it applies
to new rows only), then backfill the existing rows in batches.",
};

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    for (_, e) in cx.pending_events() {
        let Change::ColumnAdded { table, column, ty, default, volatile_default: true, .. } = &e.change else { continue };
        if !existed_at(cx, table, e) {
            continue;
        }
        let dflt = default.clone().unwrap_or_else(|| format!("nextval('{table}_{column}_seq')"));
        let serial = ty.written.to_uppercase().contains("SERIAL");
        let what = if serial { format!("a `{}` column (its default is `nextval(…)`)", ty.written) } else { format!("the volatile default `{dflt}`") };
        let base_ty = if serial {
            ty.written.to_uppercase().replace("BIGSERIAL", "BIGINT").replace("SMALLSERIAL", "SMALLINT").replace("SERIAL", "INTEGER")
        } else {
            ty.written.clone()
        };
        out.push(
            Finding::new(&META, table, Some(column))
                .at(e)
                .message(format!(
                    "{}:{} adds `{table}.{column}` with {what}: PostgreSQL computes it for every existing row, rewriting `{table}` under ACCESS EXCLUSIVE (reads and writes wait until it finishes)",
                    e.at.file, e.at.line
                ))
                .help("add the column without a default, set the default for new rows, and backfill the existing rows in batches")
                .sql(format!(
                    "ALTER TABLE {table} ADD COLUMN {column} {base_ty};\nALTER TABLE {table} ALTER COLUMN {column} SET DEFAULT {dflt};\n-- backfill in batches:\nUPDATE {table} SET {column} = {dflt} WHERE {column} IS NULL AND <key range>;"
                )),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{keys, run};
    use crate::Dialect;

    const V1: (&str, &str) = ("V1__t.sql", "CREATE TABLE t (id INT PRIMARY KEY);");

    #[test]
    fn fires_on_a_volatile_default_on_an_existing_table() {
        let r = run(Dialect::Postgres, (&[V1], ""), (&[V1, ("V2__x.sql", "ALTER TABLE t ADD COLUMN token UUID NOT NULL DEFAULT gen_random_uuid();")], ""));
        assert_eq!(keys(&r), ["volatile-default-rewrites-table warning t.token"]);
        assert!(r.findings[0].safe_sql.as_deref().unwrap().contains("SET DEFAULT gen_random_uuid()"));
    }

    #[test]
    fn quiet_for_constants_now_and_new_tables() {
        let v2 = ("V2__x.sql", "ALTER TABLE t ADD COLUMN s TEXT NOT NULL DEFAULT 'x';\nALTER TABLE t ADD COLUMN at TIMESTAMPTZ DEFAULT now();\nCREATE TABLE u (id INT);\nALTER TABLE u ADD COLUMN token UUID DEFAULT gen_random_uuid();");
        let r = run(Dialect::Postgres, (&[V1], ""), (&[V1, v2], ""));
        assert!(keys(&r).is_empty(), "{:?}", keys(&r));
    }
}
