//! An already-applied migration was edited or deleted.

use super::{Category, Finding, MigrationRef, RuleMeta};
use crate::check::Context;
use crate::diag::Severity;

pub static META: RuleMeta = RuleMeta {
    id: "applied-migration-edited",
    category: Category::Hygiene,
    dialects: &crate::Dialect::ALL,
    severity: Severity::Error,
    summary: "a migration N-1 already applied was edited or deleted",
    explain: "\
Databases that run N-1 already applied its migrations; tools do not re-run an
edited migration (sqlx and refinery refuse to start on a checksum mismatch,
diesel silently ignores it). The schema in production then differs from the
one the code is checked against, and nothing here can be proven.

Instead, leave applied migrations as they are and put the change in a new
migration.",
};

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    for &(bi, hi) in &cx.edited {
        let m = &cx.head.history.migrations[hi];
        let line = first_difference(&cx.base.history.migrations[bi].up.text, &m.up.text);
        let mut f = Finding::new(&META, "", None)
            .message(format!(
                "{} was already applied by N-1 and has been edited (first difference at line {line}): databases that ran it keep the old version",
                m.up.path
            ))
            .help("revert the edit and put the change in a new migration");
        f.migration = Some(MigrationRef { file: m.up.path.clone(), line: line + m.up.first_line - 1 });
        out.push(f);
    }
    for &bi in &cx.removed {
        let m = &cx.base.history.migrations[bi];
        let mut f = Finding::new(&META, "", None)
            .message(format!("{} was applied by N-1 and no longer exists in N: databases that ran it keep its changes", m.up.path))
            .help("restore the migration; undo its effect, if needed, in a new migration");
        f.migration = Some(MigrationRef { file: m.up.path.clone(), line: 1 });
        out.push(f);
    }
}

fn first_difference(a: &str, b: &str) -> u32 {
    let (a, b) = (a.replace("\r\n", "\n"), b.replace("\r\n", "\n"));
    let mut al = a.lines();
    let mut bl = b.lines();
    let mut n = 1;
    loop {
        match (al.next(), bl.next()) {
            (Some(x), Some(y)) if x.trim_end() == y.trim_end() => n += 1,
            (None, None) => return 1,
            _ => return n,
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{compat_keys as keys, run};
    use crate::Dialect;

    #[test]
    fn fires_on_an_edited_applied_migration() {
        let r = run(
            Dialect::Postgres,
            (&[("V1__t.sql", "CREATE TABLE t (id INT PRIMARY KEY);\n")], ""),
            (&[("V1__t.sql", "CREATE TABLE t (id INT PRIMARY KEY);\nALTER TABLE t ADD COLUMN x INT;\n")], ""),
        );
        assert_eq!(keys(&r), ["applied-migration-edited error ."]);
        assert_eq!(r.findings[0].migration.as_ref().unwrap().line, 2);
    }

    #[test]
    fn quiet_when_only_line_endings_change() {
        let r = run(
            Dialect::Postgres,
            (&[("V1__t.sql", "CREATE TABLE t (id INT PRIMARY KEY);\n")], ""),
            (&[("V1__t.sql", "CREATE TABLE t (id INT PRIMARY KEY);\r\n")], ""),
        );
        assert!(keys(&r).is_empty());
    }
}
