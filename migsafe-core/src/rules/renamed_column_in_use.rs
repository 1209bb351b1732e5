//! A pending migration renames a column that N-1 still touches.

use super::{any, base_label, describe_sites, Category, Finding, RuleMeta};
use crate::check::Context;
use crate::diag::Severity;
use crate::schema::Change;

pub static META: RuleMeta = RuleMeta {
    id: "renamed-column-in-use",
    category: Category::OldRelease,
    dialects: &crate::Dialect::ALL,
    severity: Severity::Error,
    summary: "a pending migration renames a column that N-1 reads, filters on or writes",
    explain: "\
A rename is a drop of the old name as far as N-1 is concerned: every query of
N-1 that names the column fails once the migration runs, and a code rollback
leaves the new name in place.

Instead, rename in steps: add the new column and have N write both; backfill
the new column; switch reads to it; drop the old column in a later release,
once no running release touches it.",
};

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    for (_, e) in cx.pending_events() {
        let Change::ColumnRenamed { table, from, to } = &e.change else { continue };
        let sites = cx.base_sites_touching(table, Some(from), any);
        if sites.is_empty() {
            continue;
        }
        // Renamed away, then a column of the old name added again with the old type: N-1 finds it.
        // Added again as something else (lemmy's `description`, renamed to
        // `sidebar` and re-added as varchar(150)): N-1's queries run, on the
        // wrong column, an error all the same.
        let consequence = match super::readded(cx, table, from) {
            Some(None) => continue,
            Some(Some(why)) => format!("{why}; N-1 reads and writes that new column while the values it had are in `{to}`"),
            None => "N-1 fails on the new schema".to_string(),
        };
        let ty = cx.head.history.schema.column(table, to).map(|c| c.ty.written.clone()).unwrap_or_else(|| "<type>".into());
        out.push(
            Finding::new(&META, table, Some(from))
                .at(e)
                .message(format!(
                    "{}:{} renames `{table}.{from}` to `{to}`, but {}: {consequence}",
                    e.at.file,
                    e.at.line,
                    describe_sites(&base_label(cx), &sites)
                ))
                .help(format!(
                    "add `{to}` beside `{from}` and have N write both; backfill `{to}`; switch reads to `{to}`; drop `{from}` in a later release, once no running release touches it"
                ))
                .sql(format!(
                    "-- now (expand):\nALTER TABLE {table} ADD COLUMN {to} {ty};\nUPDATE {table} SET {to} = {from} WHERE {to} IS NULL; -- backfill, in batches on a large table\n-- N writes both `{from}` and `{to}` and reads `{to}`\n-- later (contract), once no running release touches `{from}`:\nALTER TABLE {table} DROP COLUMN {from};"
                ))
                .sites(sites),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{compat_keys as keys, run};
    use crate::Dialect;

    const V1: (&str, &str) = ("V1__t.sql", "CREATE TABLE t (id INT PRIMARY KEY, a TEXT NOT NULL, b TEXT);");

    #[test]
    fn fires_when_n_minus_1_inserts_the_old_name() {
        let r = run(
            Dialect::Postgres,
            (&[V1], r#"const Q: &str = sql!("INSERT INTO t (id, a) VALUES ($1, $2)");"#),
            (&[V1, ("V2__r.sql", "ALTER TABLE t RENAME COLUMN a TO a2;")], ""),
        );
        assert_eq!(keys(&r), ["renamed-column-in-use error t.a"]);
        assert!(r.findings[0].safe_sql.as_deref().unwrap().contains("ADD COLUMN a2 TEXT"));
    }

    #[test]
    fn a_column_renamed_away_and_added_again_as_something_else_says_what_n_minus_1_now_reads() {
        let n1 = r#"const Q: &str = sql!("SELECT id, a FROM t");"#;
        let again = ("V2__r.sql", "ALTER TABLE t RENAME COLUMN a TO sidebar;\nALTER TABLE t ADD COLUMN a VARCHAR(150);");
        let r = run(Dialect::Postgres, (&[V1], n1), (&[V1, again], ""));
        assert_eq!(keys(&r), ["renamed-column-in-use error t.a"]);
        let m = &r.findings[0].message;
        assert!(m.contains("added again as `character varying(150)`") && m.contains("while the values it had are in `sidebar`"), "{m}");
        // Added again as it was: N-1 finds the column it knew.
        let same = ("V2__r.sql", "ALTER TABLE t RENAME COLUMN a TO sidebar;\nALTER TABLE t ADD COLUMN a TEXT NOT NULL DEFAULT '';");
        let r = run(Dialect::Postgres, (&[V1], n1), (&[V1, same], ""));
        assert!(!keys(&r).iter().any(|k| k.starts_with("renamed-column-in-use")), "{:?}", keys(&r));
    }

    #[test]
    fn quiet_when_n_minus_1_does_not_touch_it() {
        let r =
            run(Dialect::Postgres, (&[V1], r#"const Q: &str = sql!("SELECT id FROM t");"#), (&[V1, ("V2__r.sql", "ALTER TABLE t RENAME COLUMN b TO c;")], ""));
        assert!(keys(&r).is_empty(), "{:?}", keys(&r));
    }
}
