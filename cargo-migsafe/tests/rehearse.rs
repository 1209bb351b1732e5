//! `cargo migsafe rehearse` on the demo's two releases (examples/rollback v1
//! = N-1, v2 = N, committed in a throw-away repository as examples/demo.sh
//! does), against the real PostgreSQL at 127.0.0.1:5432: N-1's tests fail on
//! N's schema where `check` says they will, N's pass, and nothing is left
//! behind, also when the run is interrupted.
//!
//! The examples' tests are compiled inside these tests: both share one
//! target folder (`CARGO_TARGET_TMPDIR/rehearse-target`, kept between runs).

mod common;

use common::git;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const SERVER: &str = "postgres://postgres@127.0.0.1:5432/test";

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// Copy a release into `dir` (all but `.git`), pointing it at this checkout's runtime.
fn place(dir: &Path, release: &str) {
    for e in std::fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        if e.file_name() != ".git" && e.file_name() != ".gitignore" {
            let p = e.path();
            if p.is_dir() {
                std::fs::remove_dir_all(p).unwrap();
            } else {
                std::fs::remove_file(p).unwrap();
            }
        }
    }
    copy(&workspace().join("examples/rollback").join(release), dir);
    let manifest = dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, text.replace("MIGSAFE_RUNTIME_PATH", &workspace().join("migsafe-runtime").to_string_lossy())).unwrap();
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

/// The demo's history: checkout 2.3 (N-1), then 2.4 (N).
fn demo_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q", "-b", "main"]);
    std::fs::write(dir.path().join(".gitignore"), "target\nCargo.lock\n").unwrap();
    place(dir.path(), "v1");
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "checkout 2.3 (N-1)"]);
    place(dir.path(), "v2");
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "checkout 2.4 (N)"]);
    dir
}

fn rehearse(repo: &Path, format: &str) -> Command {
    rehearse_on(repo, format, SERVER)
}

fn rehearse_on(repo: &Path, format: &str, server: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cargo-migsafe"));
    cmd.args(["migsafe", "rehearse", "--base", "HEAD~1", "--database-url", server, "--format", format]);
    cmd.current_dir(repo).env("CARGO_TARGET_DIR", Path::new(env!("CARGO_TARGET_TMPDIR")).join("rehearse-target"));
    cmd.env("CARGO_BUILD_JOBS", "1").env_remove("MIGSAFE_MIGRATIONS_DIR").env_remove("DATABASE_URL");
    cmd
}

/// The databases on the server whose name starts with `prefix`.
fn databases(prefix: &str) -> Vec<String> {
    let mut c = postgres::Client::connect(SERVER, postgres::NoTls).expect("PostgreSQL at 127.0.0.1:5432");
    let rows = c.query("SELECT datname::text FROM pg_database WHERE starts_with(datname, $1)", &[&prefix]).unwrap();
    rows.iter().map(|r| r.get(0)).collect()
}

/// Nothing of the run of process `pid` is left: no scratch database, no
/// worktree registered in `repo`, no temporary folder.
fn assert_nothing_left(repo: &Path, pid: u32) {
    let prefix = format!("migsafe_rehearse_{pid}_");
    assert_eq!(databases(&prefix), Vec::<String>::new(), "scratch database left behind");
    let list = String::from_utf8(git(repo, &["worktree", "list", "--porcelain"]).stdout).unwrap();
    assert_eq!(list.matches("worktree ").count(), 1, "a worktree is left registered:\n{list}");
    let left: Vec<_> = std::fs::read_dir(std::env::temp_dir())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
        .map(|e| e.path())
        .collect();
    assert!(left.is_empty(), "temporary folders left behind: {left:?}");
    // No process of the drill (`cargo test`, rustc, a test binary) runs on: each
    // names the worktree on its command line or works in it. A killed one may
    // take a moment to go.
    let started = Instant::now();
    let repo_path = repo.to_string_lossy().into_owned();
    loop {
        let mut running = processes_in(&prefix);
        running.extend(processes_in(&repo_path));
        if running.is_empty() {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "processes left running: {running:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The processes whose command line or working directory names `needle`.
fn processes_in(needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().filter_map(|e| e.ok()) {
        if !e.file_name().to_string_lossy().bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let cmdline = std::fs::read(e.path().join("cmdline")).map(|b| String::from_utf8_lossy(&b).replace('\0', " ")).unwrap_or_default();
        let cwd = std::fs::read_link(e.path().join("cwd")).map(|p| p.to_string_lossy().into_owned()).unwrap_or_default();
        if cmdline.contains(needle) || cwd.contains(needle) {
            found.push(format!("{}: {cmdline}", e.file_name().to_string_lossy()));
        }
    }
    found
}

fn names(suite: &Value) -> Vec<String> {
    let mut n: Vec<String> = suite["failed"].as_array().unwrap().iter().map(|f| f["test"].as_str().unwrap().to_string()).collect();
    n.sort();
    n
}

fn message(suite: &Value, test: &str) -> String {
    let f = suite["failed"].as_array().unwrap().iter().find(|f| f["test"] == test).unwrap();
    f["message"].as_array().unwrap().iter().map(|l| l.as_str().unwrap()).collect::<Vec<_>>().join("\n")
}

#[test]
fn n_1_tests_fail_where_check_says_and_nothing_is_left_behind() {
    let repo = demo_repo();
    let child = rehearse(repo.path(), "json").stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let pid = child.id();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "stderr:\n{stderr}\nstdout:\n{}", String::from_utf8_lossy(&out.stdout));
    assert!(stderr.starts_with("note: rehearse builds and runs this project's code"), "the opt-in is not said first:\n{stderr}");
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();

    // N's tests pass on the new schema.
    assert_eq!((r["head"]["outcome"].as_str(), r["head"]["passed"].as_u64()), (Some("passed"), Some(3)), "{r:#}");
    // N-1's fail, each where check reports a break; the one that only reads what is still there passes.
    let base = &r["base_tests"];
    assert_eq!(base["outcome"], "failed");
    assert_eq!(names(base), ["decodes_every_order_status", "finds_orders_by_coupon", "places_an_order"]);
    assert_eq!(base["passed"], 1);
    assert!(message(base, "places_an_order").contains("payment_ref"), "{base:#}");
    assert!(message(base, "finds_orders_by_coupon").contains("coupon_code"), "{base:#}");
    assert!(message(base, "decodes_every_order_status").contains("awaiting_confirmation"), "{base:#}");
    assert_eq!(r["migrations"]["pending"], serde_json::json!(["migrations/20240312141500_checkout_v2.up.sql"]));

    // What check, reading the same two revisions without running them, says.
    let check = Command::new(env!("CARGO_BIN_EXE_cargo-migsafe"))
        .args(["migsafe", "check", "--base", "HEAD~1", "--format", "json"])
        .current_dir(repo.path())
        .output()
        .unwrap();
    let c: Value = serde_json::from_slice(&check.stdout).unwrap();
    let errors: Vec<&Value> = c["findings"].as_array().unwrap().iter().filter(|f| f["severity"] == "error").collect();
    let by = |rule: &str| errors.iter().find(|f| f["rule"] == rule).unwrap_or_else(|| panic!("check has no {rule}: {c:#}"));
    assert_eq!(by("renamed-column-in-use")["column"], "payment_ref");
    assert_eq!(by("dropped-column-in-use")["column"], "coupon_code");
    assert!(by("enum-value-not-decodable")["message"].as_str().unwrap().contains("awaiting_confirmation"));

    assert_eq!(databases(r["database"]["name"].as_str().unwrap()), Vec::<String>::new());
    assert_nothing_left(repo.path(), pid);
}

#[test]
fn an_interrupted_rehearsal_leaves_nothing_behind() {
    // Ctrl-C while N-1's suite builds or runs in the worktree: the database and the worktree both exist then.
    interrupt(nix::sys::signal::Signal::SIGINT, "Running N-1's tests");
}

#[test]
fn a_terminated_rehearsal_leaves_nothing_behind() {
    // SIGTERM (a CI job cancelled) while N's suite builds or runs: the database exists, the worktree not yet.
    interrupt(nix::sys::signal::Signal::SIGTERM, "Running N's tests");
}

/// Send `signal` to a rehearsal once it has printed `phase` and its `cargo test` runs.
fn interrupt(signal: nix::sys::signal::Signal, phase: &str) {
    let repo = demo_repo();
    let mut child = rehearse(repo.path(), "human").stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap();
    let pid = child.id();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut seen = String::new();
    let started = Instant::now();
    for line in lines.by_ref() {
        let line = line.unwrap();
        seen.push_str(&line);
        seen.push('\n');
        if line.contains(phase) {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(900), "`{phase}` never came:\n{seen}");
    }
    assert!(seen.contains(phase), "the rehearsal ended before `{phase}`:\n{seen}");
    let prefix = format!("migsafe_rehearse_{pid}_");
    assert_eq!(databases(&prefix).len(), 1, "the scratch database exists while the drill runs");
    let in_base = phase.contains("N-1");
    let list = String::from_utf8(git(repo.path(), &["worktree", "list"]).stdout).unwrap();
    assert_eq!(list.lines().count(), if in_base { 2 } else { 1 }, "worktrees while the drill runs:\n{list}");
    // The suite's `cargo test` runs (in the worktree, or on the repository's manifest).
    let needle = if in_base { prefix.clone() } else { repo.path().to_string_lossy().into_owned() };
    let waited = Instant::now();
    // (The rehearsal itself works in the repository: not counted.)
    while processes_in(&needle).iter().all(|p| p.starts_with(&format!("{pid}:"))) {
        assert!(waited.elapsed() < Duration::from_secs(10), "no `cargo test` runs:\n{seen}");
        std::thread::sleep(Duration::from_millis(50));
    }

    nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid as i32), signal).unwrap();
    for line in lines {
        seen.push_str(&line.unwrap());
        seen.push('\n');
    }
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(2), "{seen}");
    assert!(seen.contains("error: interrupted"), "{seen}");
    assert_nothing_left(repo.path(), pid);
}

#[test]
fn help_says_it_runs_the_code() {
    let top = Command::new(env!("CARGO_BIN_EXE_cargo-migsafe")).args(["migsafe", "--help"]).output().unwrap();
    let top = String::from_utf8(top.stdout).unwrap();
    let line = top.lines().find(|l| l.trim_start().starts_with("rehearse")).unwrap_or_else(|| panic!("{top}"));
    assert!(line.contains("opt-in") && line.contains("BUILDS AND RUNS"), "{line}");
    let own = Command::new(env!("CARGO_BIN_EXE_cargo-migsafe")).args(["migsafe", "rehearse", "--help"]).output().unwrap();
    let own = String::from_utf8(own.stdout).unwrap();
    assert!(own.contains("Opt-in: unlike `check`, this builds and runs this project's code"), "{own}");
}

#[test]
fn a_url_of_another_engine_stops_before_anything_is_made() {
    let repo = demo_repo();
    let out = rehearse_on(repo.path(), "json", "mysql://root@127.0.0.1:3306/test").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--database-url is a mysql URL, but the migrations are postgres ones"), "{stderr}");
    // The failure is on stdout in the chosen format too.
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v.to_string().contains("mysql URL"), "{v}");
}

#[test]
fn a_failing_pending_migration_stops_the_drill_naming_file_and_line() {
    let repo = demo_repo();
    let bad = repo.path().join("migrations/20240401000000_bad.up.sql");
    std::fs::write(&bad, "ALTER TABLE orders ADD COLUMN note TEXT;\n\nALTER TABLE orders RENAME COLUMN no_such_column TO other;\n").unwrap();
    let child = rehearse(repo.path(), "human").stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let pid = child.id();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("migrations/20240401000000_bad.up.sql:3: column \"no_such_column\" does not exist"), "{stderr}");
    assert!(!stderr.contains("Running N's tests"), "{stderr}");
    assert!(stderr.contains("dropped the scratch database"), "{stderr}");
    assert_nothing_left(repo.path(), pid);
}

/// A test of N that waits on a lock forever (another session of its own
/// holds the table): `--timeout` stops the suite, names the test, and the
/// drill still ends with nothing left behind.
#[test]
fn a_suite_past_its_timeout_is_stopped_and_named() {
    let repo = demo_repo();
    std::fs::write(
        repo.path().join("tests/hang.rs"),
        r#"#[test]
fn waits_on_a_lock_forever() {
    let url = std::env::var("DATABASE_URL").unwrap();
    let mut holder = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let mut tx = holder.transaction().unwrap();
    tx.batch_execute("LOCK TABLE orders IN ACCESS EXCLUSIVE MODE").unwrap();
    let mut waiter = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    waiter.batch_execute("SELECT count(*) FROM orders").unwrap();
}
"#,
    )
    .unwrap();
    // Built beforehand, so that the limit falls on the test, not on a cold build.
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("rehearse-target");
    let built = Command::new(env!("CARGO"))
        .args(["test", "--no-run", "--test", "hang"])
        .current_dir(repo.path())
        .env("CARGO_TARGET_DIR", &target)
        .env("CARGO_BUILD_JOBS", "1")
        .env_remove("MIGSAFE_MIGRATIONS_DIR")
        .output()
        .unwrap();
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    let started = Instant::now();
    // One test thread: libtest names a test as it starts it.
    let child = rehearse(repo.path(), "json")
        .args(["--timeout", "20s", "--cargo-test-arg", "--test", "--cargo-test-arg", "hang"])
        .env("RUST_TEST_THREADS", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr:\n{stderr}\nstdout:\n{}", String::from_utf8_lossy(&out.stdout));
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["head"]["outcome"], "timed-out", "{r:#}");
    assert_eq!(r["head"]["timed_out"], serde_json::json!({"after": "20s", "building": false, "running": ["waits_on_a_lock_forever"]}), "{r:#}");
    // N-1 has no such test binary: its suite does not build, and says why.
    assert_eq!(r["base_tests"]["outcome"], "build-failed", "{r:#}");
    assert!(started.elapsed() < Duration::from_secs(300), "took {:?}", started.elapsed());
    assert_nothing_left(repo.path(), pid);
}

#[test]
fn a_timeout_must_be_a_duration() {
    for (bad, says) in [("soon", "write a duration such as"), ("0s", "a timeout of zero")] {
        let out = Command::new(env!("CARGO_BIN_EXE_cargo-migsafe")).args(["migsafe", "rehearse", "--database-url", SERVER, "--timeout", bad]).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains("--timeout") && stderr.contains(says), "{stderr}");
    }
}
