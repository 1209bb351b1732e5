//! The defaults a new user meets, on throw-away git repositories: which base
//! revision `check` compares with, which migrations folder and dialect a
//! crate without `[package.metadata.migsafe]` gets, and which workspace
//! members are read. Each default must be said on stderr, and none may
//! produce a false "safe".

use std::path::Path;
use std::process::{Command, Output};

struct Repo {
    dir: tempfile::TempDir,
}

const MANIFEST: &str =
    "[package]\nname = \"svc\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[package.metadata.migsafe]\nmigrations = \"migrations\"\ndialect = \"postgres\"\n";

fn git_in(dir: &Path, args: &[&str]) -> Output {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.invalid")
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out
}

impl Repo {
    fn new() -> Repo {
        Repo::with_branch("main")
    }
    fn with_branch(branch: &str) -> Repo {
        let r = Repo { dir: tempfile::tempdir().unwrap() };
        r.git(&["init", "-q", "-b", branch]);
        r
    }
    fn path(&self) -> &Path {
        self.dir.path()
    }
    fn write(&self, rel: &str, text: impl AsRef<[u8]>) -> &Self {
        let p = self.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
        self
    }
    fn git(&self, args: &[&str]) -> Output {
        git_in(self.path(), args)
    }
    fn commit(&self, msg: &str) -> &Self {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", msg]);
        self
    }
    fn sha(&self, rev: &str) -> String {
        String::from_utf8_lossy(&self.git(&["rev-parse", rev]).stdout).trim().to_string()
    }
    fn run(&self, args: &[&str]) -> (i32, String, String) {
        run_in(self.path(), args)
    }
}

fn run_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_cargo-migsafe")).arg("migsafe").args(args).current_dir(dir).env("NO_COLOR", "1").output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn json(stdout: &str) -> serde_json::Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

/// The error findings as `rule table.column`, sorted.
fn errors(j: &serde_json::Value) -> Vec<String> {
    let mut v: Vec<String> = j["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .map(|f| format!("{} {}.{}", f["rule"].as_str().unwrap(), f["table"].as_str().unwrap_or(""), f["column"].as_str().unwrap_or("")))
        .collect();
    v.sort();
    v
}

/// The `Checking N-1 (sha, why)` line of stderr.
fn checking_line(err: &str) -> &str {
    err.lines().find(|l| l.trim_start().starts_with("Checking N-1")).unwrap_or_else(|| panic!("no `Checking N-1` line:\n{err}"))
}

/// N-1 of an annotated service on `main`: one table, a query reading `email`.
fn service_on_main() -> Repo {
    let r = Repo::new();
    r.write("Cargo.toml", MANIFEST)
        .write("migrations/V1__users.sql", "CREATE TABLE users (\n    id BIGINT PRIMARY KEY,\n    email TEXT NOT NULL,\n    name TEXT\n);\n")
        .write("src/lib.rs", "use migsafe_runtime::sql;\npub const Q: &str = sql!(\"SELECT id, email FROM users WHERE id = $1\");\n")
        .commit("release 1");
    r
}

/// The change that breaks N-1: drop `email`, stop reading it.
fn drop_email(r: &Repo) -> &Repo {
    r.write("migrations/V2__drop_email.sql", "ALTER TABLE users DROP COLUMN email;\n")
        .write("src/lib.rs", "use migsafe_runtime::sql;\npub const Q: &str = sql!(\"SELECT id FROM users WHERE id = $1\");\n")
}

// ---------------------------------------------------------------------------
// The base revision

#[test]
fn pushed_feature_branch_is_checked_against_the_merge_base_with_the_default_branch() {
    let r = service_on_main();
    let remote = tempfile::tempdir().unwrap();
    git_in(remote.path(), &["init", "-q", "--bare", "-b", "main"]);
    r.git(&["remote", "add", "origin", remote.path().to_str().unwrap()]);
    r.git(&["push", "-q", "-u", "origin", "main"]);
    r.git(&["checkout", "-q", "-b", "drop-email"]);
    drop_email(&r).commit("drop email");
    // Pushed with upstream: the branch's own upstream is its tip, which must not be the base.
    r.git(&["push", "-q", "-u", "origin", "drop-email"]);
    let (code, out, err) = r.run(&["check", "--format", "json"]);
    assert_eq!(code, 1, "{err}");
    let j = json(&out);
    assert_eq!(j["base"], r.sha("main"));
    assert_eq!(errors(&j), ["dropped-column-in-use users.email"]);
    assert!(checking_line(&err).contains("merge-base with origin/main"), "{err}");
    // The same finding as with the base named explicitly.
    let (code, out2, _) = r.run(&["check", "--format", "json", "--base", "main"]);
    assert_eq!(code, 1);
    assert_eq!(errors(&json(&out2)), errors(&j));
    // A later commit on main does not move the base past the branch point.
    r.git(&["checkout", "-q", "main"]);
    r.write("README.md", "docs").commit("docs on main");
    r.git(&["push", "-q", "origin", "main"]);
    let fork = r.sha("main~1");
    r.git(&["checkout", "-q", "drop-email"]);
    let (code, out, _) = r.run(&["check", "--format", "json"]);
    assert_eq!(code, 1);
    assert_eq!(json(&out)["base"], fork);
}

#[test]
fn origin_head_names_the_default_branch() {
    let r = Repo::with_branch("trunk");
    r.write("Cargo.toml", MANIFEST)
        .write("migrations/V1__users.sql", "CREATE TABLE users (id BIGINT PRIMARY KEY, email TEXT NOT NULL);\n")
        .write("src/lib.rs", "pub const Q: &str = sql!(\"SELECT id, email FROM users\");\n")
        .commit("release 1");
    let remote = tempfile::tempdir().unwrap();
    git_in(remote.path(), &["init", "-q", "--bare", "-b", "trunk"]);
    r.git(&["remote", "add", "origin", remote.path().to_str().unwrap()]);
    r.git(&["push", "-q", "origin", "trunk"]);
    r.git(&["remote", "set-head", "origin", "trunk"]);
    r.git(&["checkout", "-q", "-b", "feature"]);
    drop_email(&r).commit("one").write("README.md", "x").commit("two");
    let (code, out, err) = r.run(&["check", "--format", "json"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(json(&out)["base"], r.sha("trunk"));
    assert!(checking_line(&err).contains("merge-base with origin/trunk"), "{err}");
}

#[test]
fn two_commit_branch_without_upstream_uses_the_local_default_branch() {
    let r = service_on_main();
    r.git(&["checkout", "-q", "-b", "drop-email"]);
    // The migration in the first commit, something else in the second: HEAD~1 would already hold it.
    drop_email(&r).commit("drop email");
    r.write("README.md", "notes").commit("notes");
    let (code, out, err) = r.run(&["check", "--format", "json"]);
    assert_eq!(code, 1, "{err}");
    let j = json(&out);
    assert_eq!(j["base"], r.sha("main"));
    assert_eq!(j["pending"], serde_json::json!(["migrations/V2__drop_email.sql"]));
    assert!(checking_line(&err).contains("merge-base with main"), "{err}");
}

#[test]
fn uncommitted_work_on_the_default_branch_is_checked_against_head() {
    let r = service_on_main();
    r.write("README.md", "second commit").commit("docs");
    drop_email(&r);
    let (code, out, err) = r.run(&["check", "--format", "json"]);
    assert_eq!(code, 1, "{err}");
    let j = json(&out);
    assert_eq!(j["base"], r.sha("HEAD"));
    assert_eq!(errors(&j), ["dropped-column-in-use users.email"]);
    assert!(checking_line(&err).contains("HEAD: the working tree has uncommitted changes"), "{err}");
    // An untracked (not ignored) migration alone is a change too.
    let r = service_on_main();
    r.write("README.md", "second commit").commit("docs");
    r.write("migrations/V2__nick.sql", "ALTER TABLE users ADD COLUMN nick TEXT;\n");
    let (code, out, err) = r.run(&["check", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(json(&out)["pending"], serde_json::json!(["migrations/V2__nick.sql"]));
    // Committed and clean on main: the last commit is the change.
    r.commit("nick");
    let (code, out, err) = r.run(&["check", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(json(&out)["base"], r.sha("HEAD~1"));
    assert!(checking_line(&err).contains("HEAD~1: on main with a clean working tree"), "{err}");
}

#[test]
fn shallow_clone_with_a_mistyped_base_is_an_unknown_revision() {
    let r = service_on_main();
    drop_email(&r).commit("drop email");
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", r.path().display());
    git_in(clone.path(), &["clone", "-q", "--depth", "1", &url, "."]);
    // A name that is no ref at all: a typo, whatever the clone's depth.
    let (code, out, err) = run_in(clone.path(), &["check", "--base", "origin/mian"]);
    assert_eq!(code, 2, "{out}\n{err}");
    assert!(err.contains("unknown revision `origin/mian`") && err.contains("no such commit, branch or tag"), "{err}");
    assert!(!err.contains("shallow clone without"), "a typo is not blamed on the clone:\n{err}");
    // A name that exists, but whose history the clone lacks: the clone is to blame.
    let (code, _, err) = run_in(clone.path(), &["check", "--base", "origin/main~1"]);
    assert_eq!(code, 2);
    assert!(err.contains("shallow clone") && err.contains("fetch-depth: 0"), "{err}");
    // The default base on a shallow clone of one commit: no HEAD~1, and the advice says how to get it.
    let (code, _, err) = run_in(clone.path(), &["check"]);
    assert_eq!(code, 2);
    assert!(err.contains("shallow clone") && err.contains("--depth=1 origin <base-sha>"), "{err}");
    // The cheap CI option: fetch only the base commit.
    let base = r.sha("HEAD~1");
    git_in(clone.path(), &["fetch", "-q", "--depth=1", "origin", &base]);
    let (code, out, err) = run_in(clone.path(), &["check", "--base", &base, "--format", "json"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(errors(&json(&out)), ["dropped-column-in-use users.email"]);
}
