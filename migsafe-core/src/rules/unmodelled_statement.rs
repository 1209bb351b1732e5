//! A pending statement migsafe cannot model is reported, not assumed harmless.

use super::{any, first_line, Category, Finding, RuleMeta};
use crate::check::Context;
use crate::diag::Severity;
use crate::schema::Change;

pub static META: RuleMeta = RuleMeta {
    id: "unmodelled-statement",
    category: Category::Coverage,
    dialects: &crate::Dialect::ALL,
    severity: Severity::Warning,
    summary: "a statement does something migsafe does not model (trigger, function, DO block, or SQL an applied migration has that the parser cannot read)",
    explain: "\
migsafe proves safety from its model of the schema. A trigger, function,
policy or anonymous code block in a pending migration can reject or rewrite
the writes of either release in ways the model cannot see, so the check does
not assume it is harmless: it reports it, with the reason.

A statement of an already-applied migration that the SQL parser cannot read
does not stop the check (the database accepted it): it is recorded with the
objects its tokens name, reported here as `info` (`warning` when code of
either release touches a table it names), and any other finding about a table
it names says that the statement may have changed it.

To fix: review the statement by hand; when it is safe, say so next to it with
`-- migsafe:allow(unmodelled-statement) <reason>` on the line before, instead
of leaving the warning. For an applied statement, check that the model (see
`cargo migsafe schema`) matches the database for the objects it names.",
};

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    for (_, e) in cx.pending_events() {
        let Change::Unmodelled { what: kind } = &e.change else { continue };
        let (what, reason) = (kind.label(), kind.reason());
        let first_line = super::first_line(e);
        out.push(
            Finding::new(&META, "", None)
                .at(e)
                .message(format!("{}:{}: `{first_line}` ({what}) is not modelled: {reason}", e.at.file, e.at.line))
                .help("review it by hand; if it is safe for both releases, add `-- migsafe:allow(unmodelled-statement) <why>` on the line before it"),
        );
    }
    // Applied migrations: what the parser could not read there is recorded, not fatal.
    for (i, evs) in cx.head.history.events.iter().enumerate() {
        if cx.pending.contains(&i) {
            continue;
        }
        for e in evs.events.iter() {
            let Change::Unparsed { message, names, .. } = &e.change else { continue };
            let used: Vec<&String> =
                names.iter().filter(|n| !cx.base_sites_touching(n, None, any).is_empty() || !cx.head_sites_touching(n, None, any).is_empty()).collect();
            let named = if names.is_empty() {
                "its tokens name no object migsafe could pick out".to_string()
            } else {
                format!("it names {}", names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", "))
            };
            let used_note = if used.is_empty() {
                String::new()
            } else {
                format!(
                    "; code of N-1 or N uses {}, so findings about it may be incomplete",
                    used.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
                )
            };
            let dialect = cx.head.history.schema.dialect;
            out.push(
                Finding::new(&META, used.first().map(|s| s.as_str()).unwrap_or(""), None)
                    .severity(if used.is_empty() { Severity::Info } else { Severity::Warning })
                    .at(e)
                    .message(format!(
                        "{}:{}: `{}` in a migration N-1 already applied does not parse as {dialect} SQL ({message}): the check goes on without knowing what it changed; {named}{used_note}",
                        e.at.file,
                        e.at.line,
                        first_line(e)
                    ))
                    .help("check that `cargo migsafe schema` shows the objects it names as the database has them; rewriting an applied migration is not the fix (databases already ran it)"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{compat_keys as keys, run};
    use crate::Dialect;

    const V1: (&str, &str) = ("V1__t.sql", "CREATE TABLE t (id INT PRIMARY KEY);");

    #[test]
    fn an_applied_statement_the_parser_cannot_read_is_info_or_warning_and_the_check_goes_on() {
        let v1 = (
            "V1__t.sql",
            "CREATE TABLE t (id INT PRIMARY KEY, a TEXT);\nCREATE INDEX t_a ON t (a);\nALTER INDEX t_a FROBNICATE;\nALTER TABLE t FROB COLUMN a;",
        );
        let v2 = ("V2__x.sql", "ALTER TABLE t DROP COLUMN a;");
        let r = run(Dialect::Postgres, (&[v1], ""), (&[v1, v2], ""));
        assert_eq!(keys(&r), ["unmodelled-statement info .", "unmodelled-statement info ."]);
        assert!(r.findings[0].message.contains("already applied"), "{}", r.findings[0].message);
        assert!(r.findings.iter().any(|f| f.message.contains("`t_a`")), "{:?}", r.findings);
        // Code that uses a table it names makes it a warning, and other findings on the table say so.
        let src = "const Q: &str = sql!(\"SELECT a FROM t\");";
        let r = run(Dialect::Postgres, (&[v1], src), (&[v1, v2], ""));
        let k = keys(&r);
        assert!(k.contains(&"unmodelled-statement warning t.".to_string()), "{k:?}");
        let drop = r.findings.iter().find(|f| f.rule == "dropped-column-in-use").expect("the check went on");
        assert!(drop.message.contains("migrations/V1__t.sql:4"), "{}", drop.message);
    }

    #[test]
    fn fires_on_a_pending_trigger_not_on_comments() {
        let v2 = ("V2__x.sql", "COMMENT ON TABLE t IS 'x';\nCREATE TRIGGER trg BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION f();");
        let r = run(Dialect::Postgres, (&[V1], ""), (&[V1, v2], ""));
        assert_eq!(keys(&r), ["unmodelled-statement warning ."]);
        assert_eq!(r.findings[0].migration.as_ref().unwrap().line, 2);
    }
}
