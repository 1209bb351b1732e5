//! N requires a field that N-1 does not produce.

use super::{Category, Finding, RuleMeta};
use crate::check::Context;
use crate::contract::{Direction, IssueKind};
use crate::diag::Severity;

pub static META: RuleMeta = RuleMeta {
    id: "contract-new-required-field",
    category: Category::Contract,
    dialects: &crate::Dialect::ALL,
    severity: Severity::Error,
    summary: "N's event or JSON payload type requires a field that N-1 does not write",
    explain: "\
A field that N's `#[migsafe::event]` or `#[migsafe(payload)]` type requires
(not an `Option`, no `#[serde(default)]`) and that N-1's type does not write
makes N fail on every message N-1 publishes while both run, on every message
N-1 publishes again after a rollback, and on every JSON row N-1 stored.

Instead, make the new field optional for a release: `#[serde(default)]` or
`Option<T>`, and require it only once no N-1 writes messages or rows without it.",
};

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    crate::contract::findings::report(
        cx,
        &META,
        |i| i.kind == IssueKind::MissingRequired && i.dir == Direction::BaseToHead,
        |i| {
            format!(
                "give N's field `#[serde(default)]` or make it an `Option`, so N reads what N-1 writes without `{}`; require it once N-1 no longer writes",
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
    fn fires_on_a_new_required_field_and_not_with_default() {
        let base = "#[migsafe::event(\"orders.v1\")] #[derive(Serialize, Deserialize)] struct E { id: i64 }";
        let head = "#[migsafe::event(\"orders.v1\")] #[derive(Serialize, Deserialize)]\nstruct E { id: i64, total: i64 }";
        let r = run(Dialect::Postgres, (M, base), (M, head));
        let f: Vec<_> = r.findings.iter().filter(|f| f.rule == "contract-new-required-field").collect();
        assert_eq!(f.len(), 1, "{:?}", r.findings);
        assert_eq!((f[0].table.as_str(), f[0].column.as_deref()), ("orders.v1", Some("total")));
        assert!(f[0].message.contains("N requires `total`"), "{}", f[0].message);
        assert_eq!(f[0].sites.len(), 2);
        // N's site first (where GitHub and SARIF put the finding), then N-1's.
        assert_eq!((f[0].sites[0].revision, f[0].sites[0].line, f[0].sites[1].revision), (crate::check::Revision::Head, 2, crate::check::Revision::Base));
        assert_eq!(r.verdict(), crate::check::Verdict::Unsafe);
        let head = "#[migsafe::event(\"orders.v1\")] #[derive(Serialize, Deserialize)] struct E { id: i64, #[serde(default)] total: i64 }";
        assert!(run(Dialect::Postgres, (M, base), (M, head)).findings.is_empty());
    }
}
