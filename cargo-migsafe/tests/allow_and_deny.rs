//! `allow = [...]` in `[package.metadata.migsafe]` and `--deny warnings`,
//! through the real binary on a throwaway git repository.

mod common;

use common::git;
use std::path::Path;
use std::process::Command;

/// A repository whose base has `orders` and whose working tree adds an index on it.
fn project(allow: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("migrations")).unwrap();
    std::fs::create_dir_all(d.join("src")).unwrap();
    std::fs::write(d.join("Cargo.toml"), "[package]\nname = \"svc\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[package.metadata.migsafe]\nmigrations = \"migrations\"\ndialect = \"postgres\"\n").unwrap();
    std::fs::write(d.join("src/lib.rs"), "").unwrap();
    std::fs::write(d.join("migrations/V1__orders.sql"), "CREATE TABLE orders (id BIGINT PRIMARY KEY, status TEXT);\n").unwrap();
    git(d, &["init", "-q"]);
    git(d, &["add", "."]);
    git(d, &["commit", "-qm", "base"]);
    std::fs::write(d.join("migrations/V2__index.sql"), "CREATE INDEX orders_status ON orders (status);\n").unwrap();
    let manifest = std::fs::read_to_string(d.join("Cargo.toml")).unwrap();
    std::fs::write(d.join("Cargo.toml"), format!("{manifest}{allow}")).unwrap();
    dir
}

fn check(dir: &Path, extra: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_cargo-migsafe"))
        .args(["check", "--base", "HEAD", "--format", "json", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .args(extra)
        .output()
        .unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn deny_warnings_fails_on_a_warning_and_allow_drops_it() {
    let p = project("");
    let (code, out, err) = check(p.path(), &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("\"index-without-concurrently\""), "{out}");
    let (code, out, _) = check(p.path(), &["--deny", "warnings"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("\"verdict\": \"unsafe\""), "{out}");

    let p = project("allow = [\"index-without-concurrently\"]\n");
    let (code, out, err) = check(p.path(), &["--deny", "warnings"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(!out.contains("\"index-without-concurrently\""), "{out}");
}

#[test]
fn an_unknown_rule_in_allow_is_a_config_error_naming_the_file() {
    let p = project("allow = [\"index-without-concurently\"]\n");
    let (code, out, err) = check(p.path(), &[]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("Cargo.toml") && err.contains("index-without-concurently") && err.contains("did you mean `index-without-concurrently`"), "{err}");
}
