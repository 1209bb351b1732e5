//! A pending migration drops a column that N-1 still touches.

use super::{any, base_label, describe_sites, Category, Finding, RuleMeta};
use crate::check::Context;
use crate::diag::Severity;
use crate::schema::Change;

pub static META: RuleMeta = RuleMeta {
    id: "dropped-column-in-use",
    category: Category::OldRelease,
    dialects: &crate::Dialect::ALL,
    severity: Severity::Error,
    summary: "a pending migration drops a column that N-1 reads, filters on or writes",
    explain: "\
After the pending migrations run, N-1 (the release that is running now, and the
one a rollback returns to) still runs on the new schema. If it reads, filters
on, inserts into or updates a column that a pending migration drops, every
such query fails, and rolling back the code does not help: the column is gone.

Instead, drop a column in two releases (expand / contract): first ship a
release that no longer touches the column (make it nullable if that release
stops writing it), and drop the column in a later release, once no running
release touches it.",
};

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    for (_, e) in cx.pending_events() {
        let Change::ColumnDropped { table, column } = &e.change else { continue };
        let sites = cx.base_sites_touching(table, Some(column), any);
        if sites.is_empty() {
            continue;
        }
        // Dropped and added again (`DROP COLUMN c, ADD COLUMN c …`): judged by what is there now.
        match super::readded(cx, table, column) {
            Some(None) => continue,
            Some(Some(why)) => {
                out.push(
                    Finding::new(&META, table, Some(column))
                        .at(e)
                        .severity(Severity::Warning)
                        .message(format!("{}:{} drops `{table}.{column}` and {why}; {}", e.at.file, e.at.line, describe_sites(&base_label(cx), &sites)))
                        .help("check that N-1's reads and writes of the column still mean what they meant; a new column under a new name is the safe way")
                        .sites(sites),
                );
                continue;
            }
            None => {}
        }
        let who = base_label(cx);
        out.push(
            Finding::new(&META, table, Some(column))
                .at(e)
                .message(format!(
                    "{}:{} drops `{table}.{column}`, but {}: N-1 fails on the new schema, and a code rollback cannot bring the column back",
                    e.at.file,
                    e.at.line,
                    describe_sites(&who, &sites)
                ))
                .help(format!(
                    "expand / contract: keep `{column}` now and ship a release that no longer touches it; drop the column in a later migration, once no running release uses it"
                ))
                .sql(format!(
                    "-- now: keep the column; if N no longer writes it, let N-1's rows do without it:\nALTER TABLE {table} ALTER COLUMN {column} DROP NOT NULL;\n-- later, in a release after the one that stopped using it:\nALTER TABLE {table} DROP COLUMN {column};"
                ))
                .sites(sites),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{compat_keys as keys, run};
    use crate::Dialect;

    const V1: (&str, &str) = ("V1__t.sql", "CREATE TABLE t (id INT PRIMARY KEY, a TEXT, b TEXT);");

    #[test]
    fn fires_when_n_minus_1_reads_the_column() {
        let r = run(
            Dialect::Postgres,
            (&[V1], r#"const Q: &str = sql!("SELECT id FROM t WHERE a = $1");"#),
            (&[V1, ("V2__d.sql", "ALTER TABLE t DROP COLUMN a;")], ""),
        );
        assert_eq!(keys(&r), ["dropped-column-in-use error t.a"]);
        let f = &r.findings[0];
        assert_eq!(f.sites[0].file, "src/lib.rs");
        assert!(f.message.contains("filters on"), "{}", f.message);
        assert!(f.safe_sql.as_deref().unwrap().contains("DROP NOT NULL"));
    }

    #[test]
    fn a_column_dropped_and_added_again_is_judged_by_what_is_there() {
        let q = r#"const Q: &str = sql!("SELECT id FROM t WHERE a = $1");"#;
        let same = run(Dialect::Postgres, (&[V1], q), (&[V1, ("V2__d.sql", "ALTER TABLE t DROP COLUMN a, ADD COLUMN a TEXT;")], ""));
        assert!(keys(&same).iter().all(|k| !k.starts_with("dropped-column")), "{:?}", keys(&same));
        let other = run(Dialect::Postgres, (&[V1], q), (&[V1, ("V2__d.sql", "ALTER TABLE t DROP COLUMN a, ADD COLUMN a BOOLEAN;")], ""));
        assert!(keys(&other).contains(&"dropped-column-in-use warning t.a".to_string()), "{:?}", keys(&other));
    }

    #[test]
    fn quiet_when_n_minus_1_does_not_touch_it() {
        let r = run(Dialect::Postgres, (&[V1], r#"const Q: &str = sql!("SELECT id, a FROM t");"#), (&[V1, ("V2__d.sql", "ALTER TABLE t DROP COLUMN b;")], ""));
        assert!(keys(&r).iter().all(|k| !k.starts_with("dropped-column")), "{:?}", keys(&r));
    }
}
