//! A field renamed on the wire without the other revision reading the new name.

use super::{Category, Finding, RuleMeta};
use crate::check::Context;
use crate::contract::{Direction, IssueKind};
use crate::diag::Severity;

pub static META: RuleMeta = RuleMeta {
    id: "contract-field-renamed",
    category: Category::Contract,
    dialects: &crate::Dialect::ALL,
    severity: Severity::Error,
    summary: "a field of an event or JSON payload is written under a name the other release does not read",
    explain: "\
A `#[serde(rename)]` (or a renamed Rust field) changes the name on the wire.
The release on the other side reads the old name only: a required field
fails to decode, an optional one is silently lost.

Instead, rename in two steps: N reads both names (`#[serde(alias = \"old\")]`)
and still writes the old one (`#[serde(rename(serialize = \"old\"))]`); the
release after writes the new name.",
};

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    crate::contract::findings::report(
        cx,
        &META,
        |i| matches!(i.kind, IssueKind::Renamed { .. }),
        |i| {
            let IssueKind::Renamed { written, read } = &i.kind else { return String::new() };
            match i.dir {
                Direction::BaseToHead => format!("add `#[serde(alias = \"{written}\")]` to N's field, so N reads what N-1 writes"),
                Direction::HeadToBase => format!(
                    "keep writing `{}` in N (`#[serde(rename(serialize = \"{}\"), alias = \"{written}\")]`) until no N-1 reads it; write `{written}` a release later",
                    read[0], read[0]
                ),
            }
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
    fn fires_on_a_rename_both_ways_and_not_on_the_two_step_rename() {
        let base = "#[migsafe::event(\"o\")] #[derive(Serialize, Deserialize)] struct E { total: i64 }";
        let head = "#[migsafe::event(\"o\")] #[derive(Serialize, Deserialize)] struct E { #[serde(rename = \"amount\")] total: i64 }";
        let r = run(Dialect::Mysql, (M, base), (M, head));
        let f: Vec<_> = r.findings.iter().filter(|f| f.rule == "contract-field-renamed").collect();
        assert_eq!(f.len(), 2, "{:?}", r.findings);
        assert!(f.iter().any(|f| f.help.contains("alias = \"total\"")));
        let head = "#[migsafe::event(\"o\")] #[derive(Serialize, Deserialize)] struct E { #[serde(rename(serialize = \"total\", deserialize = \"amount\"), alias = \"total\")] total: i64 }";
        assert!(run(Dialect::Mysql, (M, base), (M, head)).findings.is_empty());
    }
}
