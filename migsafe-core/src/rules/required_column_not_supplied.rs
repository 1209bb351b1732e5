//! A column becomes required that N-1's INSERTs do not fill.

use super::{base_label, Category, Finding, RuleMeta};
use crate::check::{Context, Revision, SiteRef, SiteUse};
use crate::diag::Severity;
use crate::schema::triggers::TriggerFill;
use crate::schema::{Change, Event};

pub static META: RuleMeta = RuleMeta {
    id: "required-column-not-supplied",
    category: Category::OldRelease,
    dialects: &crate::Dialect::ALL,
    severity: Severity::Error,
    summary: "a column becomes NOT NULL without a default, and N-1's INSERTs do not supply it",
    explain: "\
A new NOT NULL column without a default, `SET NOT NULL`, or `DROP DEFAULT` on
a NOT NULL column makes the column required. N-1's INSERTs were written before
the column was required and do not name it: every one of them now fails on the
NOT NULL constraint, during the rollout and after a code rollback.

A `BEFORE INSERT … FOR EACH ROW` trigger whose function sets the column
(`NEW.col := …`, MySQL `SET NEW.col = …`) supplies it: no finding. A trigger
whose code migsafe cannot read (another language, `NEW` replaced whole)
makes the finding a warning: check by hand that it fills the column.

Instead, keep a default on the column (or leave it nullable) for as long as a
release that does not supply it can run; drop the default in a later release.",
};

fn makes_required<'e>(cx: &'e Context, table: &str, column: &str) -> Option<&'e Event> {
    cx.pending_events()
        .filter(|(_, e)| match &e.change {
            Change::ColumnAdded { table: t, column: c, nullable: false, default: None, .. } => t == table && c == column,
            Change::SetNotNull { table: t, column: c } | Change::DropDefault { table: t, column: c } => t == table && c == column,
            _ => false,
        })
        .map(|(_, e)| e)
        .last()
}

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    let head = &cx.head.history.schema;
    let base = &cx.base.history.schema;
    let renamed_to: Vec<(String, String)> = cx
        .pending_events()
        .filter_map(|(_, e)| match &e.change {
            Change::ColumnRenamed { table, to, .. } => Some((table.clone(), to.clone())),
            _ => None,
        })
        .collect();
    let mut seen: Vec<(String, String)> = Vec::new();
    for (site, res) in &cx.base_sites {
        for ins in &res.inserts {
            let Some(t) = head.table(&ins.table) else { continue };
            for col in t.columns.iter().filter(|c| c.required() && !ins.columns.contains(&c.name)) {
                // Already required in N-1's schema: N-1 was failing before; not this change's doing.
                if base.column(&ins.table, &col.name).is_some_and(|c| c.required()) {
                    continue;
                }
                // A rename is reported by renamed-column-in-use.
                if renamed_to.iter().any(|(tb, c)| *tb == ins.table && *c == col.name) {
                    continue;
                }
                // A BEFORE INSERT row trigger that sets it supplies it; one the model cannot read may.
                let trigger = match head.insert_fill(&ins.table, &col.name) {
                    Some(TriggerFill::Fills(_)) => continue,
                    Some(TriggerFill::May(name)) => Some(name),
                    None => None,
                };
                let key = (ins.table.clone(), col.name.clone());
                let site_ref = SiteRef::new(Revision::Base, &site.file, site.line, &site.item, SiteUse::Column(crate::footprint::Access::Insert));
                if let Some(f) = out.iter_mut().find(|f| f.rule == META.id && f.table == key.0 && f.column.as_deref() == Some(key.1.as_str())) {
                    f.sites.push(site_ref);
                    continue;
                }
                if seen.contains(&key) {
                    continue;
                }
                seen.push(key);
                let event = makes_required(cx, &ins.table, &col.name);
                let what = match event {
                    Some(e) => format!("{}:{} makes `{}.{}` NOT NULL without a default", e.at.file, e.at.line, ins.table, col.name),
                    None => format!("`{}.{}` is now NOT NULL without a default", ins.table, col.name),
                };
                let ty = col.ty.written.clone();
                let consequence = match &trigger {
                    None => "every such INSERT fails on the new schema".to_string(),
                    Some(t) => format!("unless trigger `{t}` (which runs before each INSERT, in code migsafe could not read) fills it, every such INSERT fails on the new schema"),
                };
                let mut f = Finding::new(&META, &ins.table, Some(&col.name))
                    .severity(if trigger.is_some() { Severity::Warning } else { META.severity })
                    .message(format!("{what}, but {}'s INSERT into `{}` does not supply it: {consequence}", base_label(cx), ins.table))
                    .help(format!(
                        "keep a default on `{}` (or keep it nullable) until no release that omits it can run; drop the default in a later release",
                        col.name
                    ))
                    .sql(format!(
                        "-- forward fix: give the column a default N-1 can live with\nALTER TABLE {} ALTER COLUMN {} SET DEFAULT <value>;\n-- or, when adding it: ALTER TABLE {} ADD COLUMN {} {ty} NOT NULL DEFAULT <value>;\n-- later, once every running release supplies it:\nALTER TABLE {} ALTER COLUMN {} DROP DEFAULT;",
                        ins.table, col.name, ins.table, col.name, ins.table, col.name
                    ))
                    .sites(vec![site_ref]);
                if let Some(e) = event {
                    f = f.at(e);
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

    const V1: (&str, &str) = ("V1__t.sql", "CREATE TABLE t (id INT PRIMARY KEY, a TEXT NOT NULL);");
    /// This rule's keys only (a trigger also brings unmodelled-statement warnings).
    fn req(r: &crate::check::Report) -> Vec<String> {
        keys(r).into_iter().filter(|k| k.starts_with("required-column")).collect()
    }

    const INS: &str = r#"const Q: &str = sql!("INSERT INTO t (id, a) VALUES ($1, $2)");"#;

    #[test]
    fn a_before_insert_trigger_that_sets_the_column_supplies_it() {
        // crates.io's categories.path, filled from the slug by a trigger.
        let v2 = (
            "V2__x.sql",
            "ALTER TABLE t ADD COLUMN path TEXT;\nUPDATE t SET path = a;\nALTER TABLE t ALTER COLUMN path SET NOT NULL;\n\
             CREATE OR REPLACE FUNCTION set_path() RETURNS trigger AS $BODY$\nBEGIN\n NEW.path = 'root.' || NEW.a;\n RETURN NEW;\nEND;\n$BODY$ LANGUAGE plpgsql;\n\
             CREATE TRIGGER set_path_insert BEFORE INSERT ON t FOR EACH ROW EXECUTE PROCEDURE public.set_path();",
        );
        let r = run(Dialect::Postgres, (&[V1], INS), (&[V1, v2], INS));
        assert!(req(&r).is_empty(), "{:?}", r.findings);
        // Only on UPDATE, or AFTER the INSERT, or per statement: it does not.
        for other in ["BEFORE UPDATE ON t FOR EACH ROW", "AFTER INSERT ON t FOR EACH ROW", "BEFORE INSERT ON t FOR EACH STATEMENT"] {
            let v2 = (v2.0, v2.1.replace("BEFORE INSERT ON t FOR EACH ROW", other));
            let r = run(Dialect::Postgres, (&[V1], INS), (&[V1, (v2.0, v2.1.as_str())], ""));
            assert_eq!(req(&r), ["required-column-not-supplied error t.path"], "{other}");
        }
        // Dropped again, or its function dropped with CASCADE: required again.
        for drop in ["DROP TRIGGER set_path_insert ON t;", "DROP FUNCTION set_path() CASCADE;"] {
            let v3 = ("V3__x.sql", drop);
            let r = run(Dialect::Postgres, (&[V1], INS), (&[V1, v2, v3], ""));
            assert_eq!(req(&r), ["required-column-not-supplied error t.path"], "{drop}");
        }
        // A function that sets another column does not fill this one.
        let v2b = (v2.0, v2.1.replace("NEW.path =", "NEW.a ="));
        let r = run(Dialect::Postgres, (&[V1], INS), (&[V1, (v2b.0, v2b.1.as_str())], ""));
        assert_eq!(req(&r), ["required-column-not-supplied error t.path"]);
    }

    #[test]
    fn a_trigger_whose_code_is_not_read_makes_it_a_warning() {
        let v2 = (
            "V2__x.sql",
            "ALTER TABLE t ADD COLUMN path TEXT NOT NULL;\n\
             CREATE FUNCTION fill() RETURNS trigger AS 'fill.so', 'fill' LANGUAGE c;\n\
             CREATE TRIGGER fill_t BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION fill();",
        );
        let r = run(Dialect::Postgres, (&[V1], INS), (&[V1, v2], ""));
        assert_eq!(req(&r), ["required-column-not-supplied warning t.path"], "{:?}", r.findings);
        assert!(r.findings[0].message.contains("unless trigger `fill_t`"), "{}", r.findings[0].message);
        // MySQL: the trigger's own body.
        let v1 = ("V1__t.sql", "CREATE TABLE t (id INT PRIMARY KEY, a TEXT NOT NULL);");
        let v2 = ("V2__x.sql", "ALTER TABLE t ADD COLUMN path TEXT NOT NULL;\nCREATE TRIGGER fill_t BEFORE INSERT ON t FOR EACH ROW SET NEW.path = NEW.a;");
        let ins = r#"const Q: &str = sql!("INSERT INTO t (id, a) VALUES (?, ?)");"#;
        let r = run(Dialect::Mysql, (&[v1], ins), (&[v1, v2], ""));
        assert!(req(&r).is_empty(), "{:?}", r.findings);
    }

    #[test]
    fn fires_when_a_default_is_dropped() {
        let v2 = ("V2__x.sql", "ALTER TABLE t ADD COLUMN tenant BIGINT NOT NULL DEFAULT 1;\nALTER TABLE t ALTER COLUMN tenant DROP DEFAULT;");
        let r = run(Dialect::Postgres, (&[V1], INS), (&[V1, v2], ""));
        assert_eq!(keys(&r), ["required-column-not-supplied error t.tenant"]);
        assert_eq!(r.findings[0].migration.as_ref().unwrap().line, 2);
    }

    #[test]
    fn fires_on_set_not_null_and_on_a_new_required_column() {
        let v2 = ("V2__x.sql", "ALTER TABLE t ADD COLUMN b TEXT;\nALTER TABLE t ALTER COLUMN b SET NOT NULL;\nALTER TABLE t ADD COLUMN c INT NOT NULL;");
        let r = run(Dialect::Postgres, (&[V1], INS), (&[V1, v2], ""));
        assert_eq!(keys(&r), ["required-column-not-supplied error t.b", "required-column-not-supplied error t.c"]);
    }

    #[test]
    fn quiet_with_a_default_or_when_supplied() {
        let v2 = ("V2__x.sql", "ALTER TABLE t ADD COLUMN tenant BIGINT NOT NULL DEFAULT 1;\nALTER TABLE t ADD COLUMN note TEXT;");
        let r = run(Dialect::Postgres, (&[V1], INS), (&[V1, v2], ""));
        assert!(keys(&r).is_empty(), "{:?}", keys(&r));
    }
}
