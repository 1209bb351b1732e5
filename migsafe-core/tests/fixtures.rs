//! Every rule over every fixture of `tests/fixtures/<rule>.{fires,quiet}/`:
//! `X.fires` must yield a finding of rule X, `X.quiet` none; every finding
//! of every fixture is snapshotted (so the snapshots also show what the
//! other rules say about the same migrations).
//!
//! A fixture is `dialect` (one word), `base/migrations/…`, `base/lib.rs`,
//! `head/migrations/…`, `head/lib.rs`. The core does no IO: this test does.

use migsafe_core::check::{check, Report, RevisionInput};
use migsafe_core::rules::{Check, REGISTRY};
use migsafe_core::Dialect;
use serde_json::json;
use std::path::{Path, PathBuf};

mod fixture;

fn fixtures_dir() -> PathBuf {
    fixture::fixtures_dir(env!("CARGO_MANIFEST_DIR"))
}

fn revision(dir: &Path, dialect: Dialect, sha: Option<&str>) -> RevisionInput {
    fixture::revision(dir, dialect, sha).0
}

fn fixture_names() -> Vec<String> {
    fixture::names(&fixtures_dir())
}

fn run(name: &str) -> Report {
    let dir = fixtures_dir().join(name);
    let dialect = fixture::dialect(&dir);
    check(&revision(&dir.join("base"), dialect, Some("0123456789abcdef0123456789abcdef01234567")), &revision(&dir.join("head"), dialect, None))
}

#[test]
fn every_rule_has_a_firing_and_a_quiet_fixture() {
    let names = fixture_names();
    // A live-database rule (`schema-drift`) is never `check`'s: a fixture of
    // two revisions cannot fire it. Its tests read catalogs (its file,
    // live/drift/tests.rs, cargo-migsafe/tests/verify.rs).
    for r in REGISTRY.iter().filter(|r| !matches!(r.check, Check::Live)) {
        for kind in ["fires", "quiet"] {
            let n = format!("{}.{kind}", r.meta.id);
            assert!(names.contains(&n), "rule `{}` has no fixture tests/fixtures/{n}/", r.meta.id);
        }
    }
    for n in &names {
        let (rule, kind) = n.rsplit_once('.').unwrap_or((n, ""));
        assert!(
            REGISTRY.iter().any(|r| r.meta.id == rule) && (kind == "fires" || kind == "quiet"),
            "fixture {n} is not `<rule-id>.fires` or `<rule-id>.quiet`"
        );
    }
}

#[test]
fn fixtures_fire_and_stay_quiet_as_named() {
    for name in fixture_names() {
        let (rule, kind) = name.rsplit_once('.').unwrap();
        let report = run(&name);
        let hits = report.findings.iter().filter(|f| f.rule == rule).count();
        match kind {
            "fires" => assert!(hits > 0, "{name}: expected a `{rule}` finding, got {:#?}", report.findings),
            _ => assert_eq!(hits, 0, "{name}: expected no `{rule}` finding, got {:#?}", report.findings),
        }
        for f in report.findings.iter().filter(|f| f.severity != migsafe_core::Severity::Info) {
            assert!(!f.help.is_empty(), "{name}: {} has no help", f.rule);
        }
        let findings: Vec<_> = report
            .findings
            .iter()
            .map(|f| {
                json!({
                    "rule": f.rule, "severity": f.severity, "table": f.table, "column": f.column, "migration": f.migration,
                    "sites": f.sites.iter().map(|s| format!("{:?} {}:{} {}", s.revision, s.file, s.line, s.access_text())).collect::<Vec<_>>(),
                    "message": f.message, "help": f.help, "safe_sql": f.safe_sql,
                })
            })
            .collect();
        let snapshot = json!({ "findings": findings, "migrations": report.migrations });
        insta::assert_json_snapshot!(name.as_str(), snapshot);
    }
}
