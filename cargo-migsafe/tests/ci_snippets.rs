//! The GitHub Action (`action.yml`) and the GitLab CI job (`ci/gitlab-ci.yml`)
//! run here, step by step, on a throw-away repository whose change breaks
//! N-1: each step's commands as the runner would run them, with the binary
//! under test on PATH (so the install step finds it and installs nothing).

mod common;

use common::git;

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn bin_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_cargo-migsafe")).parent().unwrap().to_path_buf()
}

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// A sqlx service whose feature branch drops a column `main` reads, with an `origin` holding `main`.
fn service() -> (tempfile::TempDir, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    write(
        d,
        "Cargo.toml",
        "[package]\nname = \"svc\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nsqlx = { version = \"0.8\", features = [\"postgres\"] }\n\n[package.metadata.migsafe]\nmigrations = \"migrations\"\ndialect = \"postgres\"\n",
    );
    write(d, "migrations/1_users.sql", "CREATE TABLE users (id BIGINT PRIMARY KEY, email TEXT NOT NULL, name TEXT);\n");
    write(d, "src/lib.rs", "pub async fn names(p: &sqlx::PgPool) { sqlx::query(\"SELECT name FROM users\").fetch_all(p).await; }\n");
    git(d, &["add", "-A"]);
    git(d, &["commit", "-q", "-m", "base"]);
    let remote = tempfile::tempdir().unwrap();
    git(remote.path(), &["init", "-q", "--bare"]);
    git(d, &["remote", "add", "origin", remote.path().to_str().unwrap()]);
    git(d, &["push", "-q", "origin", "main"]);
    git(d, &["checkout", "-q", "-b", "drop-name"]);
    write(d, "migrations/2_drop_name.sql", "ALTER TABLE users DROP COLUMN name;\n");
    write(d, "src/lib.rs", "pub async fn emails(p: &sqlx::PgPool) { sqlx::query(\"SELECT email FROM users\").fetch_all(p).await; }\n");
    git(d, &["add", "-A"]);
    git(d, &["commit", "-q", "-m", "head"]);
    (dir, remote)
}

fn path_env() -> String {
    format!("{}:{}", bin_dir().display(), std::env::var("PATH").unwrap_or_default())
}

/// The `run:` commands of a composite action, with the `env:` keys each step sets.
fn action_steps(yaml: &str) -> Vec<(String, Vec<String>)> {
    let mut steps: Vec<(String, Vec<String>)> = Vec::new();
    let mut in_env = false;
    for line in yaml.lines() {
        let t = line.trim_start();
        if t.starts_with("- name:") {
            steps.push((String::new(), Vec::new()));
            in_env = false;
        } else if let Some(cmd) = t.strip_prefix("run: ") {
            if let Some(s) = steps.last_mut() {
                s.0 = cmd.to_string();
            }
            in_env = false;
        } else if t == "env:" {
            in_env = true;
        } else if in_env && line.starts_with("        ") {
            if let (Some(s), Some((k, _))) = (steps.last_mut(), t.split_once(':')) {
                s.1.push(k.to_string());
            }
        } else {
            in_env = false;
        }
    }
    steps.into_iter().filter(|s| !s.0.is_empty()).collect()
}

#[test]
fn the_github_action_fails_the_job_annotates_and_writes_sarif() {
    let (dir, _remote) = service();
    let yaml = std::fs::read_to_string(root().join("action.yml")).unwrap();
    let steps = action_steps(&yaml);
    assert_eq!(steps.len(), 2, "install and check: {steps:?}");
    // What the inputs become on a pull request against main (see the action's env blocks).
    let inputs = [
        ("MIGSAFE_VERSION", ""),
        ("MIGSAFE_BASE", "origin/main"),
        ("MIGSAFE_MANIFEST", ""),
        ("MIGSAFE_ARGS", ""),
        ("MIGSAFE_FORMAT", "github"),
        ("MIGSAFE_REPORT", "migsafe.sarif"),
    ];
    for (_, keys) in &steps {
        for k in keys {
            assert!(inputs.iter().any(|(n, _)| n == k), "the action sets {k}, which this test does not emulate");
        }
    }
    let mut outputs = Vec::new();
    for (cmd, keys) in &steps {
        let mut c = Command::new("bash");
        c.arg("-c").arg(cmd).current_dir(dir.path()).env("GITHUB_ACTION_PATH", root()).env("PATH", path_env());
        for (k, v) in inputs.iter().filter(|(k, _)| keys.iter().any(|x| x == k)) {
            c.env(k, v);
        }
        let out = c.output().unwrap();
        outputs.push((out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned()));
    }
    let (install, check) = (&outputs[0], &outputs[1]);
    assert_eq!(install.0, Some(0), "{install:?}");
    assert!(install.1.contains("is installed"), "{install:?}");
    assert_eq!(check.0, Some(1), "the job must fail: {check:?}");
    assert!(check.1.contains("::error file=src/lib.rs") || check.1.contains("::error file=migrations"), "{}", check.1);
    assert!(check.1.contains("verdict: unsafe"), "{}", check.1);
    let sarif: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.path().join("migsafe.sarif")).unwrap()).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().any(|r| r["ruleId"] == "dropped-column-in-use"), "{sarif}");
}

#[test]
fn the_gitlab_job_fails_and_writes_the_code_quality_report() {
    let (dir, _remote) = service();
    let yaml = std::fs::read_to_string(root().join("ci/gitlab-ci.yml")).unwrap();
    // GitLab runs the `script:` items in one shell, stopping at the first failure.
    let mut script = String::from("set -e\n");
    let mut in_script = false;
    for line in yaml.lines() {
        if line.trim_start() == "script:" {
            in_script = true;
        } else if in_script {
            match line.trim_start().strip_prefix("- ") {
                Some(cmd) if line.starts_with("    ") => {
                    script.push_str(cmd);
                    script.push('\n');
                }
                _ => in_script = false,
            }
        }
    }
    assert!(script.lines().count() >= 4, "{script}");
    let out = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(dir.path())
        .env("PATH", path_env())
        .env("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "main")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.path().join("gl-code-quality-report.json")).unwrap()).unwrap();
    let issue = report.as_array().unwrap().iter().find(|i| i["check_name"] == "dropped-column-in-use").expect("the error is in the report");
    assert_eq!(issue["severity"], "critical");
    assert_eq!(issue["location"]["path"], "migrations/2_drop_name.sql");
    assert_eq!(issue["fingerprint"].as_str().unwrap().len(), 16);
}
