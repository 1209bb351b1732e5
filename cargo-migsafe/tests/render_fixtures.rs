//! The rendered human report (plain, no colour) of every `.fires` fixture of
//! `migsafe-core/tests/fixtures`, snapshotted: what a user reads for each rule.

use cargo_migsafe::render::{human, json, Sources};
use cargo_migsafe::report::Outcome;
use migsafe_core::check::check;
use std::path::PathBuf;

const BASE_SHA: &str = "0123456789abcdef0123456789abcdef01234567";

#[path = "../../migsafe-core/tests/fixture/mod.rs"]
mod fixture;

fn fixtures_dir() -> PathBuf {
    fixture::fixtures_dir(env!("CARGO_MANIFEST_DIR"))
}

fn outcome(name: &str, deny_warnings: bool) -> (Outcome, Sources) {
    let dir = fixtures_dir().join(name);
    let dialect = fixture::dialect(&dir);
    let (base, base_texts) = fixture::revision(&dir.join("base"), dialect, Some(BASE_SHA));
    let (head, head_texts) = fixture::revision(&dir.join("head"), dialect, None);
    let report = check(&base, &head);
    (
        Outcome { base_sha: BASE_SHA.into(), base_ref: "origin/main".into(), report, deny_warnings, deny_unseen: false },
        Sources { base: base_texts, head: head_texts },
    )
}

#[test]
fn human_report_of_every_firing_fixture() {
    let names: Vec<String> = fixture::names(&fixtures_dir()).into_iter().filter(|n| n.ends_with(".fires")).collect();
    assert!(names.len() >= 20, "fixtures not found at {}", fixtures_dir().display());
    for name in names {
        let (out, sources) = outcome(&name, false);
        let rule = name.trim_end_matches(".fires");
        let text = human::render(&out, &sources, false);
        assert!(text.contains(&format!("[{rule}]")), "{name}: the report does not show rule `{rule}`:\n{text}");
        assert!(text.contains("Rollback plan:") || out.report.migrations.is_empty(), "{name}: no rollback plan:\n{text}");
        insta::assert_snapshot!(name.as_str(), text);
    }
}

#[test]
fn deny_warnings_turns_a_warning_into_an_unsafe_verdict() {
    let (out, sources) = outcome("index-without-concurrently.fires", false);
    assert_eq!(out.report.errors(), 0);
    assert!(out.report.warnings() > 0);
    assert!(!out.fails());
    // N-1 shows no database access: no error, but not proven either.
    assert!(human::render(&out, &sources, false).contains("verdict: unproven"));
    let (out, sources) = outcome("index-without-concurrently.fires", true);
    assert!(out.fails());
    assert!(human::render(&out, &sources, false).contains("verdict: unsafe"));
    let doc: serde_json::Value = serde_json::from_str(&json::render(&out)).unwrap();
    assert_eq!(doc["verdict"], "unsafe");
}

#[test]
fn json_carries_the_classification_and_the_safe_sql() {
    let (out, _) = outcome("undo-breaks-head.fires", false);
    let doc: serde_json::Value = serde_json::from_str(&json::render(&out)).unwrap();
    let m = &doc["migrations"][0];
    assert_eq!(m["class"], "reversible-with-data-loss");
    assert!(m["down"].as_str().unwrap().ends_with("U2__ref.sql"));
    assert!(m["reasons"][0].as_str().unwrap().contains("orders.ref"));
    let (out, _) = outcome("set-not-null-scans-table.fires", false);
    let doc: serde_json::Value = serde_json::from_str(&json::render(&out)).unwrap();
    let f = doc["findings"].as_array().unwrap().iter().find(|f| f["rule"] == "set-not-null-scans-table").unwrap();
    assert!(f["safe_sql"].as_str().unwrap().contains("NOT VALID"));
}
