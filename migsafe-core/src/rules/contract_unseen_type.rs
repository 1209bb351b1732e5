//! A contract type whose serde form migsafe cannot see.

use super::{Category, Finding, RuleMeta};
use crate::check::Context;
use crate::contract::IssueKind;
use crate::diag::Severity;

pub static META: RuleMeta = RuleMeta {
    id: "contract-unseen-type",
    category: Category::Coverage,
    dialects: &crate::Dialect::ALL,
    severity: Severity::Warning,
    summary: "an event or JSON payload holds a type whose serde form migsafe cannot see",
    explain: "\
migsafe reads serde's derived form from the code. A type of another crate
(other than a few with a fixed JSON form: `Uuid`, `DateTime`, `Decimal`, …),
one a macro generates, a hand-written `Serialize` / `Deserialize`, a
`#[serde(with = …)]`, `from` / `into`, or a generic parameter is not read:
whether both releases read it is not proven, and the verdict is `unproven`.

Instead, keep such a type out of the contract (a field of a type the crate
derives), or compare its two versions yourself and allow the rule
(`allow = [\"contract-unseen-type\"]`) with a note of why.",
};

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    crate::contract::findings::report(
        cx,
        &META,
        |i| i.kind == IssueKind::Unseen,
        |_| "derive the type's serde form in this crate, or check its two versions by hand and allow this rule".to_string(),
        out,
    );
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::run;
    use crate::Dialect;

    const M: &[(&str, &str)] = &[("V1__t.sql", "CREATE TABLE t (id INT);")];

    #[test]
    fn an_unseen_type_is_a_warning_and_an_unproven_verdict() {
        let src = "#[migsafe::event(\"o\")] #[derive(Serialize, Deserialize)] struct E { id: i64, m: billing::Money }";
        let r = run(Dialect::Postgres, (M, src), (M, src));
        assert_eq!(r.findings.iter().map(|f| f.rule).collect::<Vec<_>>(), ["contract-unseen-type"]);
        assert_eq!(r.verdict(), crate::check::Verdict::Unproven);
        // The coverage counts database calls; the rollback plan, about the schema, is not unproven by it.
        assert_eq!((r.coverage.base.unseen, r.coverage.head.unseen), (0, 0));
        assert_eq!(r.code_rollback(), crate::check::CodeRollback::Safe);
        let src = "#[migsafe::event(\"o\")] #[derive(Serialize, Deserialize)] struct E { id: i64, at: chrono::DateTime<chrono::Utc> }";
        assert_eq!(run(Dialect::Postgres, (M, src), (M, src)).verdict(), crate::check::Verdict::Safe);
    }
}
