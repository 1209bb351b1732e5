//! A reader with `deny_unknown_fields` meets a field the other release writes.

use super::{Category, Finding, RuleMeta};
use crate::check::Context;
use crate::contract::IssueKind;
use crate::diag::Severity;

pub static META: RuleMeta = RuleMeta {
    id: "contract-unknown-field-denied",
    category: Category::Contract,
    dialects: &crate::Dialect::ALL,
    severity: Severity::Error,
    summary: "a type with `deny_unknown_fields` meets a field the other release writes",
    explain: "\
`#[serde(deny_unknown_fields)]` turns every field a reader does not know
into an error. N-1 with it fails on the first message or row N writes with
a new field, optional or not.

Instead, drop `deny_unknown_fields` from the reader in a release of its own
first (serde then ignores fields it does not know), and add the field in the
release after.",
};

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    crate::contract::findings::report(
        cx,
        &META,
        |i| i.kind == IssueKind::UnknownFieldDenied,
        |i| format!("ship a release without `deny_unknown_fields` on the reader first, then add `{}`", i.path),
        out,
    );
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::run;
    use crate::Dialect;

    const M: &[(&str, &str)] = &[("V1__t.sql", "CREATE TABLE t (id INT);")];

    #[test]
    fn fires_when_n_1_denies_n_s_new_field() {
        let base = "#[migsafe::event(\"o\")] #[derive(Serialize, Deserialize)] #[serde(deny_unknown_fields)] struct E { id: i64 }";
        let head =
            "#[migsafe::event(\"o\")] #[derive(Serialize, Deserialize)] #[serde(deny_unknown_fields)] struct E { id: i64, #[serde(default)] note: String }";
        let r = run(Dialect::Postgres, (M, base), (M, head));
        assert_eq!(r.findings.iter().map(|f| f.rule).collect::<Vec<_>>(), ["contract-unknown-field-denied"]);
        let quiet = |b: &str| run(Dialect::Postgres, (M, b), (M, head)).findings.is_empty();
        assert!(quiet("#[migsafe::event(\"o\")] #[derive(Serialize, Deserialize)] struct E { id: i64 }"));
    }
}
