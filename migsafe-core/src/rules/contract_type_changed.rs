//! A field's type changed in a way serde does not read across the revisions.

use super::{Category, Finding, RuleMeta};
use crate::check::Context;
use crate::contract::IssueKind;
use crate::diag::Severity;

pub static META: RuleMeta = RuleMeta {
    id: "contract-type-changed",
    category: Category::Contract,
    dialects: &crate::Dialect::ALL,
    severity: Severity::Error,
    summary: "a field of an event or JSON payload changed type in a way the other release cannot decode",
    explain: "\
serde reads a value only into a type of the same kind: a string is not an
integer, `null` is not a non-`Option`, an `i64` above `i32::MAX` is not an
`i32`, an object is not an array, and an enum written with one
representation (`tag`, `content`, `untagged`) is not read with another.
Widening that both sides accept (an integer into a float, a value into an
`Option`, a newtype into its inner value) is not reported.

Instead, add a new field with the new type (`#[serde(default)]` on it),
write both for a release, and retire the old one once no reader needs it.",
};

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    crate::contract::findings::report(
        cx,
        &META,
        |i| i.kind == IssueKind::TypeChanged,
        |i| format!("keep `{}` as it was, add a field with the new type (`#[serde(default)]`), write both for a release, then retire the old one", i.path),
        out,
    );
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::run;
    use crate::Dialect;

    const M: &[(&str, &str)] = &[("V1__t.sql", "CREATE TABLE t (id INT);")];

    #[test]
    fn fires_on_a_kind_change_and_not_on_a_widening_reader() {
        let base = "#[migsafe::event(\"o\")] #[derive(Serialize, Deserialize)] struct E { id: i64 }";
        let head = "#[migsafe::event(\"o\")] #[derive(Serialize, Deserialize)] struct E { id: String }";
        let r = run(Dialect::Postgres, (M, base), (M, head));
        assert_eq!(r.findings.iter().filter(|f| f.rule == "contract-type-changed").count(), 2, "{:?}", r.findings);
        // N only reads: N's f64 reads N-1's i64.
        let head = "#[migsafe::event(\"o\", consumes)] #[derive(Deserialize)] struct E { id: f64 }";
        assert!(run(Dialect::Postgres, (M, base), (M, head)).findings.is_empty());
    }
}
