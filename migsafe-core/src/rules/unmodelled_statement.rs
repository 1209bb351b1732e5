//! A pending statement migsafe cannot model is reported, not assumed harmless.

use super::{Finding, RuleMeta};
use crate::check::Context;
use crate::diag::Severity;
use crate::schema::Change;

pub static META: RuleMeta = RuleMeta {
    id: "unmodelled-statement",
    severity: Severity::Warning,
    summary: "a pending statement does something migsafe does not model (trigger, function, DO block, …)",
    explain: "\
migsafe proves safety from its model of the schema. A trigger, function,
policy or anonymous code block in a pending migration can reject or rewrite
the writes of either release in ways the model cannot see, so the check does
not assume it is harmless: it reports it, with the reason.

To fix: review the statement by hand; when it is safe, say so next to it with
`-- migsafe:allow(unmodelled-statement) <reason>` on the line before, instead
of leaving the warning.",
};

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    for (_, e) in cx.pending_events() {
        let Change::Unmodelled { what, reason } = &e.change else { continue };
        let first_line = e.statement.lines().next().unwrap_or("").trim();
        out.push(
            Finding::new(&META, "", None)
                .at(e)
                .message(format!("{}:{}: `{first_line}` ({what}) is not modelled: {reason}", e.at.file, e.at.line))
                .help("review it by hand; if it is safe for both releases, add `-- migsafe:allow(unmodelled-statement) <why>` on the line before it"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{compat_keys as keys, run};
    use crate::Dialect;

    const V1: (&str, &str) = ("V1__t.sql", "CREATE TABLE t (id INT PRIMARY KEY);");

    #[test]
    fn fires_on_a_pending_trigger_not_on_comments() {
        let v2 = ("V2__x.sql", "COMMENT ON TABLE t IS 'x';\nCREATE TRIGGER trg BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION f();");
        let r = run(Dialect::Postgres, (&[V1], ""), (&[V1, v2], ""));
        assert_eq!(keys(&r), ["unmodelled-statement warning ."]);
        assert_eq!(r.findings[0].migration.as_ref().unwrap().line, 2);
    }
}
