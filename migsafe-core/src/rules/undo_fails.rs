//! An undo / down script that would fail on the schema the pending migrations build.

use super::{Category, Finding, MigrationRef, RuleMeta};
use crate::check::Context;
use crate::diag::Severity;

pub static META: RuleMeta = RuleMeta {
    id: "undo-fails",
    category: Category::Undo,
    dialects: &crate::Dialect::ALL,
    severity: Severity::Warning,
    summary: "a pending migration's undo script names a table, column or index that is not there when it would run",
    explain: "\
An undo script runs on the schema the pending migrations built. When it drops,
renames or alters a table, column, view or index that is not there at that
point (a name out of step with the up script, or an object the up script never
created), the database rejects it half-way, and the rollback it describes
stops in the middle. Like the other undo findings this is a warning: rolling
back the code alone stays safe.

Instead, make the undo the exact inverse of its up script, and keep it in
step when the up script changes.",
};

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    for undo in &cx.undos {
        for d in undo.failures() {
            let mut f = Finding::new(&META, "", None)
                .message(format!("undo script {}:{}: {}: running the undo would fail there", d.location.file, d.location.line, d.message))
                .help("make the undo the exact inverse of its up script (same names, reverse order)");
            f.migration = Some(MigrationRef { file: d.location.file.clone(), line: d.location.line });
            out.push(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{compat_keys as keys, run};
    use crate::Dialect;

    const V1: (&str, &str) = ("V1__t.sql", "CREATE TABLE t (id INT PRIMARY KEY);");

    #[test]
    fn an_undo_out_of_step_with_its_up_script_is_reported() {
        let v2 = ("V2__x.sql", "ALTER TABLE t ADD COLUMN note TEXT;");
        let u2 = ("U2__x.sql", "ALTER TABLE t DROP COLUMN notes;");
        let r = run(Dialect::Postgres, (&[V1], ""), (&[V1, v2, u2], ""));
        assert_eq!(keys(&r), ["undo-fails warning ."]);
        assert!(r.findings[0].message.contains("`notes`"), "{}", r.findings[0].message);
        assert_eq!(r.findings[0].migration.as_ref().unwrap().file, "migrations/U2__x.sql");
        let ok = ("U2__x.sql", "ALTER TABLE t DROP COLUMN note;");
        let r = run(Dialect::Postgres, (&[V1], ""), (&[V1, v2, ok], ""));
        assert!(keys(&r).is_empty(), "{:?}", keys(&r));
    }
}
