use super::*;
use crate::contract::read_crate;

fn issues_of(base: &str, head: &str) -> Vec<Issue> {
    let b = read_crate(&[("src/e.rs".into(), base.into())]);
    let h = read_crate(&[("src/e.rs".into(), head.into())]);
    super::issues(&b, &h).into_iter().map(|(_, _, i)| i).collect()
}

fn kinds(v: &[Issue]) -> Vec<(IssueKind, Direction, String)> {
    v.iter().map(|i| (i.kind.clone(), i.dir, i.path.clone())).collect()
}

const HEAD: &str = "#[migsafe::event(\"o\")] #[derive(Serialize, Deserialize)]";

#[test]
fn a_new_required_field_fails_n_reading_n_1_and_default_fixes_it() {
    let base = format!("{HEAD} struct E {{ id: i64 }}");
    let head = format!("{HEAD} struct E {{ id: i64, total: i64 }}");
    assert_eq!(kinds(&issues_of(&base, &head)), [(IssueKind::MissingRequired, Direction::BaseToHead, "total".into())]);
    let head = format!("{HEAD} struct E {{ id: i64, #[serde(default)] total: i64 }}");
    assert!(issues_of(&base, &head).is_empty());
}

#[test]
fn a_dropped_field_fails_n_1_reading_n() {
    let base = format!("{HEAD} struct E {{ id: i64, total: i64 }}");
    let head = format!("{HEAD} struct E {{ id: i64 }}");
    assert_eq!(kinds(&issues_of(&base, &head)), [(IssueKind::MissingRequired, Direction::HeadToBase, "total".into())]);
    // Only N-1 consumers matter: a produce-only N-1 reads nothing.
    let base = "#[migsafe::event(\"o\", produces)] #[derive(Serialize)] struct E { id: i64, total: i64 }".to_string();
    assert!(issues_of(&base, &head).is_empty());
}

#[test]
fn a_rename_without_alias_and_with_one() {
    let base = format!("{HEAD} struct E {{ total: i64 }}");
    let head = format!("{HEAD} struct E {{ #[serde(rename = \"amount\")] total: i64 }}");
    let k = kinds(&issues_of(&base, &head));
    assert!(k.iter().all(|(k, _, _)| matches!(k, IssueKind::Renamed { .. })), "{k:?}");
    assert_eq!(k.len(), 2);
    // N reads both names and still writes the old one: both directions meet.
    let head = format!("{HEAD} struct E {{ #[serde(rename(serialize = \"total\", deserialize = \"amount\"), alias = \"total\")] total: i64 }}");
    assert!(issues_of(&base, &head).is_empty(), "{:?}", issues_of(&base, &head));
}

#[test]
fn type_changes_that_do_not_round_trip() {
    let base = format!("{HEAD} struct E {{ n: i32, s: String, m: Money }} #[derive(Serialize, Deserialize)] struct Money(i64);");
    let head = format!("{HEAD} struct E {{ n: i64, s: String, m: i64 }}");
    // i32 -> i64: N-1 cannot hold N's large values; a newtype is its inner value on the wire.
    assert_eq!(kinds(&issues_of(&base, &head)), [(IssueKind::TypeChanged, Direction::HeadToBase, "n".into())]);
    let head = format!("{HEAD} struct E {{ n: i32, s: Option<String>, m: Money }} #[derive(Serialize, Deserialize)] struct Money(i64);");
    assert_eq!(kinds(&issues_of(&base, &head)), [(IssueKind::TypeChanged, Direction::HeadToBase, "s".into())]);
}

#[test]
fn a_new_variant_without_other_and_with_it() {
    let base = format!("{HEAD} enum S {{ Placed, Paid }}");
    let head = format!("{HEAD} enum S {{ Placed, Paid, Refunded }}");
    assert_eq!(kinds(&issues_of(&base, &head)), [(IssueKind::VariantNotDecodable, Direction::HeadToBase, "Refunded".into())]);
    let base = format!("{HEAD} enum S {{ Placed, Paid, #[serde(other)] Unknown }}");
    let head = format!("{HEAD} enum S {{ Placed, Paid, Refunded, #[serde(other)] Unknown }}");
    assert!(issues_of(&base, &head).is_empty());
    // A data-carrying variant is not caught by `other` in an externally tagged enum.
    let head = format!("{HEAD} enum S {{ Placed, Paid, Refunded(i64), #[serde(other)] Unknown }}");
    assert_eq!(kinds(&issues_of(&base, &head)), [(IssueKind::VariantNotDecodable, Direction::HeadToBase, "Refunded".into())]);
}

#[test]
fn deny_unknown_fields_meets_a_new_optional_field() {
    let base = format!("{HEAD} #[serde(deny_unknown_fields)] struct E {{ id: i64 }}");
    let head = format!("{HEAD} #[serde(deny_unknown_fields)] struct E {{ id: i64, note: Option<String> }}");
    assert_eq!(kinds(&issues_of(&base, &head)), [(IssueKind::UnknownFieldDenied, Direction::HeadToBase, "note".into())]);
    let base = format!("{HEAD} struct E {{ id: i64 }}");
    assert!(issues_of(&base, &head).is_empty());
}

#[test]
fn an_unseen_type_is_reported_once() {
    let base = format!("{HEAD} struct E {{ m: other::Money }}");
    let v = issues_of(&base, &base);
    assert_eq!(kinds(&v), [(IssueKind::Unseen, Direction::BaseToHead, "m".into())]);
    assert!(v[0].detail.contains("other :: Money"), "{}", v[0].detail);
}

#[test]
fn an_option_left_out_when_none_is_one_finding_not_two() {
    let base = format!("{HEAD} struct E {{ note: String }}");
    let head = format!("{HEAD} struct E {{ #[serde(skip_serializing_if = \"Option::is_none\")] note: Option<String> }}");
    assert_eq!(kinds(&issues_of(&base, &head)), [(IssueKind::MissingRequired, Direction::HeadToBase, "note".into())]);
    // Written as `null` when None: N-1's String cannot take it.
    let head = format!("{HEAD} struct E {{ note: Option<String> }}");
    assert_eq!(kinds(&issues_of(&base, &head)), [(IssueKind::TypeChanged, Direction::HeadToBase, "note".into())]);
}

#[test]
fn a_newtype_that_holds_itself_ends() {
    let src = format!("{HEAD} struct E {{ n: Wrap }} #[derive(Serialize, Deserialize)] struct Wrap(Box<Wrap>);");
    let head = format!("{HEAD} struct E {{ n: i64 }}");
    let k = kinds(&issues_of(&src, &head));
    assert!(k.iter().all(|(k, _, p)| *k == IssueKind::TypeChanged && p == "n"), "{k:?}");
}

#[test]
fn nested_types_are_compared_through_the_graph() {
    let base = format!("{HEAD} struct E {{ line: Line }} #[derive(Serialize, Deserialize)] struct Line {{ sku: String }}");
    let head = format!("{HEAD} struct E {{ line: Line }} #[derive(Serialize, Deserialize)] struct Line {{ sku: String, qty: u32 }}");
    assert_eq!(kinds(&issues_of(&base, &head)), [(IssueKind::MissingRequired, Direction::BaseToHead, "line.qty".into())]);
}
