//! N must work on the schema the pending migrations build.

use super::{Category, Finding, RuleMeta};
use crate::annotations::{Decl, EnumTarget};
use crate::check::{Context, Revision, SiteRef, SiteUse};
use crate::diag::Severity;
use crate::ident::annotation_name;

pub static META: RuleMeta = RuleMeta {
    id: "head-schema-mismatch",
    category: Category::NewRelease,
    dialects: &crate::Dialect::ALL,
    severity: Severity::Error,
    summary: "N (the new code) touches something the new schema does not have, or cannot decode it",
    explain: "\
The new release runs on the schema after the pending migrations. Every query,
`#[derive(Table)]`, `#[derive(SqlEnum)]` and `#[touches]` of N is checked
against that schema exactly as the macros check it at compile time: tables and
columns exist, INSERTs supply every NOT NULL column without a default, literals
written into enum columns are values of the enum, field types decode their
columns. `check` reports these even when N does not compile, so one run shows
everything.

Instead: change the code or the migration so that they agree; when a pending
migration removed what N still uses, N has to stop using it first (expand /
contract).",
};

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    let schema = &cx.head.history.schema;
    for (site, res) in &cx.head_sites {
        for p in &res.problems {
            // The same code had the same problem at N-1 on its own schema: the
            // change did not cause it, and the service ran that way (a column the
            // code reads as non-null that only a default or a trigger fills, a table
            // of another database). Said, as a warning, not blamed on this change.
            let already = cx.base_sites.iter().any(|(b, r)| b.file == site.file && b.item == site.item && r.problems.iter().any(|bp| bp.message == p.message));
            // A relation no migration ever made (nor dropped): a table of another
            // database, or one the code makes at run time in a way migsafe cannot read.
            let foreign = p.column.is_none()
                && p.removed.is_none()
                && p.table.as_deref().is_some_and(|t| !schema.has_relation(t) && !cx.base.history.schema.has_relation(t) && schema.removal(t, None).is_none());
            // A problem with an enum type's values is about every column of that type.
            let targets: Vec<(String, Option<String>)> = match (&p.table, &site.decl) {
                (Some(t), _) => vec![(t.clone(), p.column.clone())],
                (None, Decl::SqlEnum(e)) => {
                    let cols = match &e.target {
                        EnumTarget::Type { name } => schema.columns_of_enum(&annotation_name(schema.dialect, name)),
                        EnumTarget::Column { table, column } => vec![(annotation_name(schema.dialect, table), annotation_name(schema.dialect, column))],
                    };
                    if cols.is_empty() {
                        vec![(site.item.clone(), None)]
                    } else {
                        cols.into_iter().map(|(t, c)| (t, Some(c))).collect()
                    }
                }
                (None, _) => vec![(site.item.clone(), p.column.clone())],
            };
            for (table, column) in targets {
                let mut f = Finding::new(&META, table, column.as_deref())
                    .sites(vec![SiteRef::new(Revision::Head, &site.file, site.line, &site.item, SiteUse::Declares)])
                    .message(if foreign && !already {
                        format!("N uses a relation no migration creates: {} (a table of another database, or one made at run time?)", p.message)
                    } else if already {
                        format!("N does not work on the new schema: {} (already so at N-1, on its schema: not caused by this change)", p.message)
                    } else {
                        format!("N does not work on the new schema: {}", p.message)
                    })
                    .help(match &p.removed {
                        Some(r) if r.renamed_to.is_some() => {
                            "N still uses the old name: switch it to the new name, or rename in a later release once no code uses the old one"
                        }
                        Some(_) => "N still uses what the migration drops: stop using it in N first, and drop it in a later release (expand / contract)",
                        None => "make the code and the migrations agree; `cargo check` shows the same error on the annotation",
                    });
                if let Some(r) = &p.removed {
                    f.migration = Some(super::MigrationRef { file: r.at.file.clone(), line: r.at.line });
                }
                if already || foreign {
                    f = f.severity(Severity::Warning);
                }
                out.push(f);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{compat_keys as keys, run};
    use crate::Dialect;

    #[test]
    fn a_relation_no_migration_ever_made_is_a_warning() {
        let v1 = ("V1__t.sql", "CREATE TABLE t (id INT PRIMARY KEY);");
        let q = r#"const Q: &str = sql!("SELECT id FROM other_db_table");"#;
        let r = run(Dialect::Postgres, (&[v1], ""), (&[v1, ("V2__x.sql", "ALTER TABLE t ADD COLUMN b TEXT;")], q));
        assert_eq!(keys(&r), ["head-schema-mismatch warning other_db_table."]);
        // One a pending migration drops is an error.
        let r = run(Dialect::Postgres, (&[v1], ""), (&[v1, ("V2__x.sql", "DROP TABLE t;")], r#"const Q: &str = sql!("SELECT id FROM t");"#));
        assert!(keys(&r).contains(&"head-schema-mismatch error t.".to_string()), "{:?}", keys(&r));
    }

    #[test]
    fn a_problem_n_minus_1_already_had_is_a_warning_not_this_changes_error() {
        // The code reads a nullable column as non-null, before and after: not this change's doing.
        let v1 = ("V1__t.sql", "CREATE TABLE t (id INT PRIMARY KEY, a BOOLEAN DEFAULT false);");
        let code = r#"diesel::table! { t (id) { id -> Int4, a -> Bool, } }"#;
        let r = run(Dialect::Postgres, (&[v1], code), (&[v1, ("V2__x.sql", "ALTER TABLE t ADD COLUMN b TEXT;")], code));
        assert_eq!(keys(&r), ["head-schema-mismatch warning t.a"]);
        assert!(r.findings[0].message.contains("already so at N-1"), "{}", r.findings[0].message);
        // Made so by the change: an error.
        let v1 = ("V1__t.sql", "CREATE TABLE t (id INT PRIMARY KEY, a BOOLEAN NOT NULL DEFAULT false);");
        let r = run(Dialect::Postgres, (&[v1], code), (&[v1, ("V2__x.sql", "ALTER TABLE t ALTER COLUMN a DROP NOT NULL;")], code));
        assert!(keys(&r).contains(&"head-schema-mismatch error t.a".to_string()), "{:?}", keys(&r));
    }

    #[test]
    fn fires_on_code_that_uses_a_dropped_column_and_names_the_migration() {
        let v1 = ("V1__t.sql", "CREATE TABLE t (id INT PRIMARY KEY, a TEXT);");
        let r = run(Dialect::Postgres, (&[v1], ""), (&[v1, ("V2__d.sql", "ALTER TABLE t DROP COLUMN a;")], r#"const Q: &str = sql!("SELECT a FROM t");"#));
        assert_eq!(keys(&r), ["head-schema-mismatch error t.a"]);
        assert_eq!(r.findings[0].migration.as_ref().unwrap().file, "migrations/V2__d.sql");
        assert!(r.findings[0].message.contains("dropped by migrations/V2__d.sql:1"), "{}", r.findings[0].message);
    }

    #[test]
    fn an_enum_missing_a_value_is_reported_on_each_column_of_its_type() {
        let v1 = (
            "V1__t.sql",
            "CREATE TYPE st AS ENUM ('a', 'b');\nCREATE TABLE t (id INT PRIMARY KEY, s st NOT NULL);\nCREATE TABLE u (id INT PRIMARY KEY, s st);",
        );
        let head = r#"#[derive(SqlEnum)] #[migsafe(type = "st")] enum St { #[migsafe(rename = "a")] A }"#;
        let r = run(Dialect::Postgres, (&[v1], ""), (&[v1], head));
        assert_eq!(keys(&r), ["head-schema-mismatch error t.s", "head-schema-mismatch error u.s"]);
    }

    #[test]
    fn quiet_when_head_matches() {
        let v1 = ("V1__t.sql", "CREATE TABLE t (id INT PRIMARY KEY, a TEXT);");
        let r = run(Dialect::Postgres, (&[v1], ""), (&[v1], r#"const Q: &str = sql!("SELECT a FROM t WHERE id = $1");"#));
        assert!(keys(&r).is_empty(), "{:?}", keys(&r));
    }
}
