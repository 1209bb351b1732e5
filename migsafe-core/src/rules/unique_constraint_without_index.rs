//! PostgreSQL: ADD UNIQUE / PRIMARY KEY builds its index under ACCESS EXCLUSIVE.

use super::{existed_at, Category, Finding, RuleMeta};
use crate::check::Context;
use crate::diag::Severity;
use crate::schema::{Change, ConstraintKind};
use crate::Dialect;

pub static META: RuleMeta = RuleMeta {
    id: "unique-constraint-without-index",
    category: Category::Hazard,
    dialects: &[Dialect::Postgres],
    severity: Severity::Warning,
    summary: "ADD UNIQUE / PRIMARY KEY without USING INDEX builds the index while holding ACCESS EXCLUSIVE",
    explain: "\
`ALTER TABLE … ADD CONSTRAINT … UNIQUE (…)` (or `PRIMARY KEY`) builds a new
unique index while holding ACCESS EXCLUSIVE on the table: every read and
write waits for the whole build. A table created by the same change is empty
and not reported.

Instead, build the index with `CREATE UNIQUE INDEX CONCURRENTLY` (outside a
transaction), then attach it with `ADD CONSTRAINT … UNIQUE USING INDEX …`,
which only takes the lock for a catalog update.",
};

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    for (_, e) in cx.pending_events() {
        let Change::ConstraintAdded { table, constraint, columns, using_index: false, name, .. } = &e.change else { continue };
        if !matches!(constraint, ConstraintKind::Unique | ConstraintKind::PrimaryKey) || !existed_at(cx, table, e) {
            continue;
        }
        let (kind, suffix) = if *constraint == ConstraintKind::Unique { ("UNIQUE", "key") } else { ("PRIMARY KEY", "pkey") };
        let base = crate::ident::base_name(table);
        let name = name.clone().unwrap_or_else(|| {
            if *constraint == ConstraintKind::Unique {
                format!("{base}_{}_{suffix}", columns.join("_"))
            } else {
                format!("{base}_{suffix}")
            }
        });
        let col = if columns.len() == 1 { Some(columns[0].as_str()) } else { None };
        out.push(
            Finding::new(&META, table, col)
                .at(e)
                .message(format!(
                    "{}:{} adds a {kind} constraint on `{table}` ({}): it builds a unique index while holding ACCESS EXCLUSIVE on `{table}`, so every read and write waits for the build",
                    e.at.file,
                    e.at.line,
                    columns.join(", ")
                ))
                .help("build the unique index CONCURRENTLY first (outside a transaction), then attach it as the constraint with USING INDEX")
                .sql(format!("CREATE UNIQUE INDEX CONCURRENTLY {name} ON {table} ({});\nALTER TABLE {table} ADD CONSTRAINT {name} {kind} USING INDEX {name};", columns.join(", "))),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{keys, run};
    use crate::Dialect;

    const V1: (&str, &str) = ("V1__t.sql", "CREATE TABLE t (id INT, email TEXT);");

    #[test]
    fn fires_on_a_unique_constraint_on_an_existing_table() {
        let r = run(Dialect::Postgres, (&[V1], ""), (&[V1, ("V2__x.sql", "ALTER TABLE t ADD CONSTRAINT t_email_key UNIQUE (email);")], ""));
        assert_eq!(keys(&r), ["unique-constraint-without-index warning t.email"]);
        assert!(r.findings[0].safe_sql.as_deref().unwrap().contains("UNIQUE USING INDEX t_email_key"));
    }

    #[test]
    fn quiet_with_using_index_or_on_a_new_table() {
        let v2 = (
            "V2__x.sql",
            "ALTER TABLE t ADD CONSTRAINT t_email_key UNIQUE USING INDEX t_email_idx;\nCREATE TABLE u (id INT);\nALTER TABLE u ADD PRIMARY KEY (id);",
        );
        let r = run(Dialect::Postgres, (&[V1], ""), (&[V1, v2], ""));
        assert!(keys(&r).iter().all(|k| !k.starts_with("unique-constraint")), "{:?}", keys(&r));
    }
}
