//! Every rule over every fixture of `tests/fixtures/<rule>.{fires,quiet}/`:
//! `X.fires` must yield a finding of rule X, `X.quiet` none; every finding
//! of every fixture is snapshotted (so the snapshots also show what the
//! other rules say about the same migrations).
//!
//! A fixture is `dialect` (one word), `base/migrations/…`, `base/lib.rs`,
//! `head/migrations/…`, `head/lib.rs`. The core does no IO: this test does.

use migsafe_core::annotations::scan_file;
use migsafe_core::check::{check, Report, RevisionInput};
use migsafe_core::migrations::{MigrationSource, SourceFile};
use migsafe_core::rules::REGISTRY;
use migsafe_core::schema::analyze;
use migsafe_core::Dialect;
use serde_json::json;
use std::path::{Path, PathBuf};

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn files_under(root: &Path) -> Vec<SourceFile> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else { continue };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
                out.push(SourceFile::new(rel, std::fs::read_to_string(&p).unwrap()));
            }
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

fn revision(dir: &Path, dialect: Dialect, sha: Option<&str>) -> RevisionInput {
    let src = MigrationSource::new("migrations", files_under(&dir.join("migrations")));
    let history = analyze(dialect, &src);
    assert!(!history.has_errors(), "{}: {:?}", dir.display(), history.diagnostics);
    let text = std::fs::read_to_string(dir.join("lib.rs")).unwrap();
    let (sites, diags) = scan_file("src/lib.rs", &text);
    assert!(diags.is_empty(), "{}: {diags:?}", dir.display());
    RevisionInput { sha: sha.map(String::from), history, sites }
}

fn fixture_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(fixtures_dir()).unwrap().flatten().filter(|e| e.path().is_dir()).map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

fn run(name: &str) -> Report {
    let dir = fixtures_dir().join(name);
    let dialect: Dialect = std::fs::read_to_string(dir.join("dialect")).unwrap().trim().parse().unwrap();
    check(&revision(&dir.join("base"), dialect, Some("0123456789abcdef0123456789abcdef01234567")), &revision(&dir.join("head"), dialect, None))
}

#[test]
fn every_rule_has_a_firing_and_a_quiet_fixture() {
    let names = fixture_names();
    for r in REGISTRY {
        for kind in ["fires", "quiet"] {
            let n = format!("{}.{kind}", r.meta.id);
            assert!(names.contains(&n), "rule `{}` has no fixture tests/fixtures/{n}/", r.meta.id);
        }
    }
    for n in &names {
        let (rule, kind) = n.rsplit_once('.').unwrap_or((n, ""));
        assert!(REGISTRY.iter().any(|r| r.meta.id == rule) && (kind == "fires" || kind == "quiet"), "fixture {n} is not `<rule-id>.fires` or `<rule-id>.quiet`");
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
                    "sites": f.sites.iter().map(|s| format!("{:?} {}:{} {}", s.revision, s.file, s.line, s.access)).collect::<Vec<_>>(),
                    "message": f.message, "help": f.help, "safe_sql": f.safe_sql,
                })
            })
            .collect();
        let snapshot = json!({ "findings": findings, "migrations": report.migrations });
        insta::assert_json_snapshot!(name.as_str(), snapshot);
    }
}
