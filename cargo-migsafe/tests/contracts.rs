//! The contract rules through the binary: an event type changed between two
//! commits is reported in every output format, and `explain` knows the rules.

mod common;

use std::path::Path;
use std::process::Command;

const MANIFEST: &str =
    "[package]\nname = \"svc\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[package.metadata.migsafe]\nmigrations = \"migrations\"\ndialect = \"postgres\"\n";

const BASE: &str = "use serde::{Deserialize, Serialize};\n\n#[migsafe_runtime::event(\"orders.v1\")]\n#[derive(Serialize, Deserialize)]\npub struct OrderPlaced {\n    pub id: i64,\n}\n";
const HEAD: &str =
    "use serde::{Deserialize, Serialize};\n\n#[migsafe_runtime::event(\"orders.v1\")]\n#[derive(Serialize, Deserialize)]\npub struct OrderPlaced {\n    pub id: i64,\n    pub tenant_id: i64,\n}\n";

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn run(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_cargo-migsafe")).arg("migsafe").args(args).current_dir(dir).env("NO_COLOR", "1").output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned())
}

/// A repository whose last commit makes `tenant_id` required in the event.
fn repo(head: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    common::git(d, &["init", "-q", "-b", "main"]);
    write(d, "Cargo.toml", MANIFEST);
    write(d, "migrations/V1__orders.sql", "CREATE TABLE orders (id BIGINT PRIMARY KEY);\n");
    write(d, "src/lib.rs", "pub mod events;\n");
    write(d, "src/events.rs", BASE);
    common::git(d, &["add", "-A"]);
    common::git(d, &["commit", "-q", "-m", "base"]);
    write(d, "src/events.rs", head);
    common::git(d, &["commit", "-q", "-am", "head"]);
    dir
}

#[test]
fn a_new_required_event_field_in_every_format() {
    let dir = repo(HEAD);
    let d = dir.path();
    let (code, out) = run(d, &["check", "--base", "HEAD~1", "--format", "json"]);
    assert_eq!(code, 1, "{out}");
    let j: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(j["verdict"], "unsafe");
    let f = &j["findings"][0];
    assert_eq!((f["rule"].as_str(), f["table"].as_str(), f["column"].as_str()), (Some("contract-new-required-field"), Some("orders.v1"), Some("tenant_id")));
    assert_eq!(f["sites"][0]["revision"], "head");
    assert_eq!((f["sites"][0]["file"].as_str(), f["sites"][0]["line"].as_u64()), (Some("src/events.rs"), Some(7)));
    assert_eq!(f["sites"][1]["revision"], "base");
    assert!(f["help"].as_str().unwrap().contains("#[serde(default)]"), "{f}");

    let (code, out) = run(d, &["check", "--base", "HEAD~1", "--format", "sarif"]);
    assert_eq!(code, 1);
    let j: serde_json::Value = serde_json::from_str(&out).unwrap();
    let res = &j["runs"][0]["results"][0];
    assert_eq!(res["ruleId"], "contract-new-required-field");
    assert_eq!(res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "src/events.rs");
    assert!(j["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap().iter().any(|r| r["id"] == "contract-field-renamed"));

    let (code, out) = run(d, &["check", "--base", "HEAD~1", "--format", "github"]);
    assert_eq!(code, 1);
    assert!(out.starts_with("::error file=src/events.rs,line=7,title=contract-new-required-field::"), "{out}");

    let (code, out) = run(d, &["check", "--base", "HEAD~1"]);
    assert_eq!(code, 1);
    assert!(out.contains("error[contract-new-required-field]") && out.contains("N declares it here"), "{out}");
}

#[test]
fn a_defaulted_field_is_safe_and_explain_covers_the_rules() {
    let dir = repo(&HEAD.replace("    pub tenant_id", "    #[serde(default)]\n    pub tenant_id"));
    let (code, out) = run(dir.path(), &["check", "--base", "HEAD~1", "--format", "json"]);
    assert_eq!(code, 0, "{out}");
    let j: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!((j["verdict"].as_str(), j["findings"].as_array().map(Vec::len)), (Some("safe"), Some(0)), "{out}");
    for rule in ["contract-new-required-field", "contract-variant-not-decodable", "contract-unseen-type"] {
        let (code, out) = run(dir.path(), &["explain", rule]);
        assert_eq!(code, 0);
        assert!(out.contains(rule) && out.contains("Instead"), "{out}");
    }
}
