//! A mutation sweep of the binary (issue 11), with a fixed seed: random
//! mutants of the repository's own scenarios (`tests/scenarios`), each run
//! through the commands a user runs. Whatever the input, the binary must
//! finish in time, without a panic or a signal, with exit 0, 1 or 2, JSON
//! where JSON was asked for, and a message on stderr when it exits 2.
//!
//! A second sweep breaks a *pending* migration beyond reading (an
//! unterminated quote, comment or dollar string, a misspelt statement, after
//! a `SET` or not): the check must then never exit 0. That is the "silent
//! pass" the issue's sweep found, when a tokenizer error turned a file into
//! one unread statement and its DROP was never seen.
//!
//! `MIGSAFE_MUTANTS` (default 64) sets the number of mutants and
//! `MIGSAFE_MUTATION_SEED` the seed, for a longer sweep:
//! `MIGSAFE_MUTANTS=5000 cargo test --release -p cargo-migsafe --test mutation`.
//! A failing mutant is kept under `target/mutants/` and named in the failure.

mod common;

use common::git;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The default seed: the sweep CI runs is the same on every run.
const SEED: u64 = 0x6d69_6773_6166_6531;

/// A run slower than this is a hang (debug build; the scenarios take < 1 s).
const TIMEOUT: Duration = Duration::from_secs(30);

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The scenarios: (name, base tree, head tree).
fn scenarios() -> Vec<(String, PathBuf, PathBuf)> {
    let mut out: Vec<_> = std::fs::read_dir(root().join("tests/scenarios"))
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.join("base").is_dir() && p.join("head").is_dir())
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), p.join("base"), p.join("head")))
        .collect();
    out.sort();
    assert!(out.len() >= 20, "tests/scenarios holds {} scenarios", out.len());
    out
}

/// Every file under `dir`, relative, sorted.
fn files(dir: &Path) -> Vec<String> {
    fn walk(dir: &Path, rel: &str, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).unwrap().filter_map(|e| e.ok()) {
            let name = e.file_name().to_string_lossy().into_owned();
            let r = if rel.is_empty() { name.clone() } else { format!("{rel}/{name}") };
            if e.path().is_dir() {
                walk(&e.path(), &r, out);
            } else {
                out.push(r);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, "", &mut out);
    out.sort();
    out
}

/// Copy a scenario tree, pointing `MIGSAFE_RUNTIME_PATH` at this checkout's runtime (as the scenario runner does).
fn copy_tree(from: &Path, to: &Path) {
    let runtime = root().join("migsafe-runtime");
    for rel in files(from) {
        let dst = to.join(&rel);
        std::fs::create_dir_all(dst.parent().unwrap()).unwrap();
        let bytes = std::fs::read(from.join(&rel)).unwrap();
        if rel.ends_with("Cargo.toml") {
            std::fs::write(dst, String::from_utf8_lossy(&bytes).replace("MIGSAFE_RUNTIME_PATH", &runtime.to_string_lossy())).unwrap();
        } else {
            std::fs::write(dst, bytes).unwrap();
        }
    }
}

/// A repository whose last commit is the scenario's base and whose working tree is its head.
fn repo(base: &Path, head: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q", "-b", "main"]);
    copy_tree(base, dir.path());
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "--allow-empty", "-m", "base"]);
    for rel in files(base) {
        std::fs::remove_file(dir.path().join(rel)).unwrap();
    }
    copy_tree(head, dir.path());
    dir
}

/// splitmix64: a seeded generator, so a failing mutant is reproduced from the seed alone.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
}

/// Tokens that have broken a reader before: quotes and comments left open,
/// statement ends, characters whose upper case has another length, a BOM, a
/// NUL, spellings of the macros' names, nesting.
const TOKENS: &[&str] = &[
    "'",
    "\"",
    "`",
    "$$",
    "$tag$",
    "/*",
    "*/",
    "--",
    ";",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "<",
    ">",
    "\\",
    "\0",
    "\u{feff}",
    "ı",
    "ſ",
    "ﬀ",
    "ΐ",
    "İ",
    "\r\n",
    "\n",
    " USING ",
    " CONCURRENTLY ",
    "DROP COLUMN ",
    "ALTER TABLE ",
    " NOT NULL",
    " DEFAULT ",
    "CREATE TYPE ",
    "ENUM (",
    "sql!(\"",
    "sql ! (\"",
    "#[derive(Table)]",
    "#[touches(",
    "sqlx::query!(\"",
    "query_as::<_, ",
    "mod ",
    "include!(",
    "#[path = \"",
    "table! {",
    "[package.metadata.migsafe]",
    "migrations = \"/",
    "dialect = \"",
    "members = [\"*\"]",
    "-- migsafe:allow(",
    "BEGIN;",
    "COMMIT;",
    "SET ",
    "\u{1F600}",
];

/// One random edit of `text`, at character boundaries; `what` says which (for the failure message).
fn mutate(rng: &mut Rng, text: &str) -> (String, String) {
    let bounds: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
    let at = *rng.pick(&bounds);
    let to = bounds[(bounds.partition_point(|&b| b < at) + 1 + rng.below(32)).min(bounds.len() - 1)];
    let (head, tail) = (&text[..at], &text[at..]);
    match rng.below(9) {
        0 => (format!("{head}{}", &text[to..]), format!("delete bytes {at}..{to}")),
        1 => (format!("{}{}", &text[..to], &text[at..]), format!("duplicate bytes {at}..{to}")),
        2 | 3 => {
            let t = rng.pick(TOKENS);
            (format!("{head}{t}{tail}"), format!("insert {t:?} at byte {at}"))
        }
        4 => {
            let c = rng.pick(&["ı", "ſ", "ﬀ", "ΐ", "ß", "\u{0}", "\u{feff}"]);
            let next = at + tail.chars().next().map_or(0, char::len_utf8);
            (format!("{head}{c}{}", &text[next..]), format!("replace the character at byte {at} by {c:?}"))
        }
        5 => (head.to_string(), format!("truncate at byte {at}")),
        6 => (format!("{head}{}{tail}", text[at..to].to_uppercase()), format!("insert an upper-cased copy of bytes {at}..{to}")),
        7 => {
            let (open, close) = *rng.pick(&[("(", ")"), ("{", "}"), ("[", "]"), ("Vec<", ">"), ("/*", "*/")]);
            let n = 1_100 + rng.below(1_000);
            (format!("{head}{}{}{tail}", open.repeat(n), close.repeat(n)), format!("nest {open:?} {n} times at byte {at}"))
        }
        _ => {
            let line = format!("{}\n", &text[at..to]);
            (format!("{head}{}{tail}", line.repeat(200 + rng.below(2_000))), format!("repeat bytes {at}..{to} as lines at byte {at}"))
        }
    }
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    took: Duration,
    timed_out: bool,
}

fn run(dir: &Path, args: &[&str]) -> Run {
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_cargo-migsafe"))
        .arg("migsafe")
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Drain the pipes on threads, so a large output cannot block the child.
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let o = std::thread::spawn(move || {
        let mut s = Vec::new();
        std::io::Read::read_to_end(&mut out, &mut s).ok();
        s
    });
    let e = std::thread::spawn(move || {
        let mut s = Vec::new();
        std::io::Read::read_to_end(&mut err, &mut s).ok();
        s
    });
    let mut timed_out = false;
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if started.elapsed() > TIMEOUT {
            timed_out = true;
            child.kill().ok();
            break child.wait().unwrap();
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let took = started.elapsed();
    let text = |h: std::thread::JoinHandle<Vec<u8>>| String::from_utf8_lossy(&h.join().unwrap_or_default()).into_owned();
    Run { code: status.code(), stdout: text(o), stderr: text(e), took, timed_out }
}

/// What is wrong with a run, if anything.
fn judge(args: &[&str], r: &Run) -> Option<String> {
    if r.timed_out {
        return Some(format!("hang: still running after {:?}", r.took));
    }
    let Some(code) = r.code else { return Some(format!("killed by a signal (crash); stderr: {}", tail(&r.stderr))) };
    if r.stderr.contains("panicked at") || code == 101 {
        return Some(format!("panic (exit {code}): {}", tail(&r.stderr)));
    }
    if !matches!(code, 0..=2) {
        return Some(format!("exit {code}: {}", tail(&r.stderr)));
    }
    if code == 2 && !r.stderr.contains("error") {
        return Some(format!("exit 2 without an error message; stderr: {}", tail(&r.stderr)));
    }
    if code < 2 && args.contains(&"json") && serde_json::from_str::<serde_json::Value>(&r.stdout).is_err() {
        return Some(format!("exit {code} with --format json, but stdout is not JSON: {}", tail(&r.stdout)));
    }
    None
}

fn tail(s: &str) -> String {
    let t: Vec<char> = s.chars().collect();
    t[t.len().saturating_sub(600)..].iter().collect()
}

/// Keep a failing mutant's repository where it can be looked at.
fn keep(dir: tempfile::TempDir, name: &str) -> String {
    let to = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("../mutants").join(name);
    let _ = std::fs::remove_dir_all(&to);
    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
    let from = dir.keep();
    if std::fs::rename(&from, &to).is_err() {
        return from.display().to_string();
    }
    to.display().to_string()
}

/// Run `jobs` on both cores; collect the failures they report.
fn parallel<T: Send>(jobs: Vec<T>, f: impl Fn(T) -> Option<String> + Sync) -> Vec<String> {
    let jobs = std::sync::Mutex::new(jobs);
    let failures = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| loop {
                let Some(job) = jobs.lock().unwrap().pop() else { break };
                if let Some(msg) = f(job) {
                    failures.lock().unwrap().push(msg);
                }
            });
        }
    });
    failures.into_inner().unwrap()
}

const COMMANDS: &[&[&str]] = &[&["check", "--base", "HEAD", "--format", "json"], &["check", "--base", "HEAD"], &["schema"], &["footprint", "--format", "json"]];

#[test]
fn no_mutant_panics_crashes_hangs_or_loses_its_json() {
    let seed = env_num("MIGSAFE_MUTATION_SEED", SEED);
    let count = env_num("MIGSAFE_MUTANTS", 64) as usize;
    let all = scenarios();
    let mut rng = Rng(seed);
    // Draw every mutant first, so each is fixed by (seed, index) whatever the threads do.
    let mut jobs = Vec::new();
    for i in 0..count {
        let (name, base, head) = rng.pick(&all).clone();
        let candidates: Vec<String> = files(&head);
        let file = rng.pick(&candidates).clone();
        let text = String::from_utf8_lossy(&std::fs::read(head.join(&file)).unwrap()).into_owned();
        let edits = 1 + rng.below(3);
        let mut mutated = text;
        let mut what = Vec::new();
        for _ in 0..edits {
            let (t, w) = mutate(&mut rng, &mutated);
            mutated = t;
            what.push(w);
        }
        jobs.push((i, name, base, head, file, mutated, what.join("; ")));
    }
    let failures = parallel(jobs, |(i, name, base, head, file, mutated, what)| {
        let dir = repo(&base, &head);
        std::fs::write(dir.path().join(&file), &mutated).unwrap();
        for args in COMMANDS {
            let r = run(dir.path(), args);
            if let Some(why) = judge(args, &r) {
                let kept = keep(dir, &format!("{seed:x}-{i}"));
                return Some(format!("mutant {i} (seed {seed:#x}) of {name}, {file}: {what}\n  `cargo migsafe {}`: {why}\n  kept in {kept}", args.join(" ")));
            }
        }
        None
    });
    assert!(failures.is_empty(), "{} of {count} mutants failed:\n{}", failures.len(), failures.join("\n"));
}

/// Ways to make a migration unreadable that PostgreSQL, MySQL and SQLite
/// all refuse: the check must say so, never pass. (An unterminated `/*`
/// is one too, except in SQLite, where a comment may run to the end.)
const BREAKS: &[&str] = &["'unterminated", "\"unterminated", "$$ unterminated", "ALTR TABLE t DRP COLUMN c;", "/* unterminated"];

#[test]
fn a_pending_migration_broken_beyond_reading_never_passes() {
    let mut jobs = Vec::new();
    let mut rng = Rng(env_num("MIGSAFE_MUTATION_SEED", SEED));
    for (name, base, head) in scenarios() {
        // A scenario whose check cannot be made anyway (a bad config) shows nothing here.
        let expect = std::fs::read_to_string(base.parent().unwrap().join("expect.toml")).unwrap_or_default();
        if expect.lines().any(|l| l.replace(' ', "") == "exit=2") {
            continue;
        }
        let before = files(&base);
        // The pending migrations: SQL files the head adds to its migrations folder.
        let pending: Vec<String> =
            files(&head).into_iter().filter(|f| f.ends_with(".sql") && f.split('/').any(|c| c.contains("migrations")) && !before.contains(f)).collect();
        if pending.is_empty() {
            continue;
        }
        let file = rng.pick(&pending).clone();
        let sqlite = std::fs::read_to_string(head.join("Cargo.toml")).unwrap_or_default().contains("sqlite");
        let brk = *rng.pick(&BREAKS[..BREAKS.len() - usize::from(sqlite)]);
        let after_set = rng.below(2) == 0;
        jobs.push((name, base, head, file, brk, after_set));
    }
    assert!(jobs.len() >= 20, "only {} scenarios have a pending migration", jobs.len());
    let failures = parallel(jobs, |(name, base, head, file, brk, after_set)| {
        let dir = repo(&base, &head);
        let path = dir.path().join(&file);
        let text = std::fs::read_to_string(&path).unwrap();
        // A file that starts with SET once hid a tokenizer error (in SQLite, SET itself is refused).
        let text = if after_set { format!("SET lock_timeout = '5s';\n{text}") } else { text };
        std::fs::write(&path, format!("{text}\n{brk}\n")).unwrap();
        let args = ["check", "--base", "HEAD", "--format", "json"];
        let r = run(dir.path(), &args);
        let name_of_file = Path::new(&file).file_name().unwrap().to_string_lossy().into_owned();
        let why = judge(&args, &r).or_else(|| match r.code {
            Some(0) => Some(format!("exit 0: the check passed; stdout: {}", tail(&r.stdout))),
            _ if !(r.stdout.contains(&name_of_file) || r.stderr.contains(&name_of_file)) => {
                Some(format!("exit {:?} without naming {file}: {}{}", r.code, tail(&r.stdout), tail(&r.stderr)))
            }
            _ => None,
        })?;
        let kept = keep(dir, &format!("break-{name}"));
        Some(format!("{name}: {file} ended with {brk:?}{}: {why}\n  kept in {kept}", if after_set { " (after a leading SET)" } else { "" }))
    });
    assert!(failures.is_empty(), "{} scenarios passed a broken migration:\n{}", failures.len(), failures.join("\n"));
}
