//! A variant one release writes that the other's enum cannot decode.

use super::{Category, Finding, RuleMeta};
use crate::check::Context;
use crate::contract::{Direction, IssueKind};
use crate::diag::Severity;

pub static META: RuleMeta = RuleMeta {
    id: "contract-variant-not-decodable",
    category: Category::Contract,
    dialects: &crate::Dialect::ALL,
    severity: Severity::Error,
    summary: "an event or JSON payload carries an enum variant the other release cannot decode",
    explain: "\
A new variant N writes (a new status inside an event, a new kind inside a
`jsonb` column) fails N-1's deserialization unless N-1's enum has a
`#[serde(other)]` variant that takes it: serde reads an unknown tag as that
unit variant, so it takes a new variant with data only in an internally
tagged enum (`tag` without `content`). A variant N removes fails N
on the messages and rows N-1 wrote with it.

Instead, ship the reader first: a release whose enum has the variant (or
a `#[serde(other)]` catch-all) must run everywhere before any release writes
it; keep a removed variant readable as long as stored rows may hold it.",
};

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    crate::contract::findings::report(
        cx,
        &META,
        |i| i.kind == IssueKind::VariantNotDecodable,
        |i| match i.dir {
            Direction::HeadToBase => {
                format!("ship the variant (or a `#[serde(other)]` unit variant) in a release that only reads it first, and write `{}` a release later", i.path)
            }
            Direction::BaseToHead => {
                format!("keep `{}` readable in N (or add a `#[serde(other)]` unit variant): N-1's messages and stored rows still carry it", i.path)
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
    fn fires_on_a_new_variant_and_not_with_other() {
        let base = "#[derive(Serialize, Deserialize)] #[migsafe(payload = \"orders.details\")] enum S { Placed, Paid }";
        let head = "#[derive(Serialize, Deserialize)] #[migsafe(payload = \"orders.details\")] enum S { Placed, Paid, Refunded }";
        let r = run(Dialect::Postgres, (M, base), (M, head));
        let f: Vec<_> = r.findings.iter().filter(|f| f.rule == "contract-variant-not-decodable").collect();
        assert_eq!(f.len(), 1, "{:?}", r.findings);
        assert!(f[0].message.starts_with("the JSON in `orders.details`, `Refunded`"), "{}", f[0].message);
        // With a catch-all on both sides, N-1 reads N's new variant as `Unknown`.
        let base = "#[derive(Serialize, Deserialize)] #[migsafe(payload = \"orders.details\")] enum S { Placed, Paid, #[serde(other)] Unknown }";
        let head = "#[derive(Serialize, Deserialize)] #[migsafe(payload = \"orders.details\")] enum S { Placed, Paid, Refunded, #[serde(other)] Unknown }";
        assert!(run(Dialect::Postgres, (M, base), (M, head)).findings.is_empty());
    }
}
