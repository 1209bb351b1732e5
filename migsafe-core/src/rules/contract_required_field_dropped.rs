//! N-1 requires a field that N no longer produces.

use super::{Category, Finding, RuleMeta};
use crate::check::Context;
use crate::contract::{Direction, IssueKind};
use crate::diag::Severity;

pub static META: RuleMeta = RuleMeta {
    id: "contract-required-field-dropped",
    category: Category::Contract,
    dialects: &crate::Dialect::ALL,
    severity: Severity::Error,
    summary: "N no longer writes a field that N-1's event or JSON payload type requires",
    explain: "\
N-1's consumers decode N's messages during the rollout, and N-1 reads the
JSON rows N stored after a rollback. A field N-1 requires (not an `Option`,
no `#[serde(default)]`) that N no longer writes, or leaves out under
`skip_serializing_if`, fails each of those reads.

Instead, keep writing the field until no release that requires it runs: ship
a release whose reader makes it optional (`#[serde(default)]`, `Option<T>`)
first, and drop it from the writer in the release after.",
};

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    crate::contract::findings::report(
        cx,
        &META,
        |i| i.kind == IssueKind::MissingRequired && i.dir == Direction::HeadToBase,
        |i| {
            format!(
                "keep writing `{}` in N (with a value N-1 accepts) until every reader has `#[serde(default)]` or an `Option` for it; drop it a release later",
                i.path
            )
        },
        out,
    );
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::run;
    use crate::Dialect;

    const M: &[(&str, &str)] = &[("V1__t.sql", "CREATE TABLE t (id INT);")];

    #[test]
    fn fires_when_n_drops_or_may_omit_a_field_n_1_requires() {
        let base = "#[migsafe::event(\"o\")] #[derive(Serialize, Deserialize)] struct E { id: i64, total: i64 }";
        let head = "#[migsafe::event(\"o\")] #[derive(Serialize, Deserialize)] struct E { id: i64 }";
        let r = run(Dialect::Sqlite, (M, base), (M, head));
        assert_eq!(r.findings.iter().filter(|f| f.rule == "contract-required-field-dropped").count(), 1, "{:?}", r.findings);
        let head = "#[migsafe::event(\"o\")] #[derive(Serialize, Deserialize)] struct E { id: i64, #[serde(skip_serializing_if = \"is_zero\")] total: i64 }";
        let r = run(Dialect::Sqlite, (M, base), (M, head));
        assert!(r.findings.iter().any(|f| f.rule == "contract-required-field-dropped" && f.message.contains("skip_serializing_if")), "{:?}", r.findings);
        // N only consumes: N-1 never reads N's messages.
        let head = "#[migsafe::event(\"o\", consumes)] #[derive(Deserialize)] struct E { id: i64 }";
        assert!(run(Dialect::Sqlite, (M, base), (M, head)).findings.is_empty());
    }
}
