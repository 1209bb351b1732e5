//! Reading what `cargo test` printed: libtest's pretty output on stdout
//! (`test NAME ... ok|FAILED|ignored`, the `---- NAME stdout ----` sections)
//! and cargo's `Running` / `Doc-tests` lines on stderr, which say, in the
//! same order, which test binary each `running N tests` block on stdout is.

use serde::Serialize;

/// A failing test: its binary, its name, and the first lines it printed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Failure {
    pub binary: String,
    pub test: String,
    pub message: Vec<String>,
}

/// The outcome of one suite.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Suite {
    pub passed: usize,
    pub ignored: usize,
    pub failed: Vec<Failure>,
}

/// How many lines of a failure's output are kept.
const MESSAGE_LINES: usize = 6;

pub fn parse(stdout: &str, stderr: &str) -> Suite {
    let binaries: Vec<String> = stderr
        .lines()
        .filter_map(|l| {
            let l = l.trim();
            if let Some(rest) = l.strip_prefix("Running ") {
                Some(rest.split(" (").next().unwrap_or(rest).to_string())
            } else {
                l.strip_prefix("Doc-tests ").map(|c| format!("doc-tests {c}"))
            }
        })
        .collect();
    let mut suite = Suite::default();
    let mut block: Option<usize> = None;
    let mut section: Option<usize> = None;
    for line in stdout.lines() {
        if line.starts_with("running ") && line.ends_with(" tests") || line == "running 1 test" {
            block = Some(block.map_or(0, |b| b + 1));
            section = None;
            continue;
        }
        let binary = || block.and_then(|b| binaries.get(b)).cloned().unwrap_or_else(|| "?".into());
        if let Some(rest) = line.strip_prefix("test ") {
            if let Some((name, outcome)) = rest.rsplit_once(" ... ") {
                match outcome.trim() {
                    "ok" => suite.passed += 1,
                    o if o.starts_with("ignored") => suite.ignored += 1,
                    o if o.starts_with("FAILED") => suite.failed.push(Failure { binary: binary(), test: name.to_string(), message: vec![] }),
                    _ => {}
                }
                continue;
            }
        }
        if let Some(name) = line.strip_prefix("---- ").and_then(|l| l.strip_suffix(" stdout ----")) {
            let b = binary();
            section = suite.failed.iter().position(|f| f.test == name && f.binary == b);
            continue;
        }
        if line == "failures:" || line.starts_with("test result:") || line == "stack backtrace:" {
            section = None;
            continue;
        }
        if let Some(i) = section {
            let f = &mut suite.failed[i];
            let l = line.trim_end();
            if !l.is_empty() && !l.starts_with("note: run with `RUST_BACKTRACE") && f.message.len() < MESSAGE_LINES {
                f.message.push(l.to_string());
            }
        }
    }
    suite
}

/// The tests that had started and not finished when the output ends (a
/// suite stopped at `--timeout`): libtest names a test that runs alone as
/// `test NAME ... ` before its result, and one of several that runs long as
/// `test NAME has been running for over 60 seconds`. A test that started
/// among several and ran less than that is not named anywhere.
pub fn running(stdout: &str) -> Vec<String> {
    let mut running: Vec<String> = Vec::new();
    for line in stdout.lines() {
        let Some(rest) = line.strip_prefix("test ") else { continue };
        if let Some(name) = rest.strip_suffix(" seconds").and_then(|r| r.rsplit_once(" has been running for over ")).map(|(n, _)| n) {
            if !running.iter().any(|r| r == name) {
                running.push(name.to_string());
            }
        } else if let Some((name, outcome)) = rest.rsplit_once(" ...") {
            let name = name.trim_end();
            running.retain(|r| r != name);
            if outcome.trim().is_empty() {
                running.push(name.to_string());
            }
        }
    }
    running
}

/// The compiler's errors, when the suite did not build: each `error…` line
/// with the `-->` location after it.
pub fn build_errors(stderr: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut lines = stderr.lines().map(str::trim).peekable();
    while let Some(l) = lines.next() {
        if l.starts_with("error") && !l.starts_with("error: could not compile") && !l.starts_with("error: aborting") {
            let mut e = l.to_string();
            if let Some(at) = lines.peek().and_then(|n| n.strip_prefix("--> ")) {
                e = format!("{e} ({at})");
            }
            out.push(e);
        }
    }
    out.truncate(10);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const STDERR: &str = "   Compiling checkout v2.3.0\n    Finished `test` profile\n     Running unittests src/lib.rs (target/debug/deps/checkout-1)\n     Running tests/db.rs (target/debug/deps/db-2)\n   Doc-tests checkout\n";
    const STDOUT: &str = "
running 1 test
test tests::unit ... ok

test result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s


running 3 tests
test lists_orders ... ok
test places_an_order ... FAILED
test slow ... ignored, needs a server

failures:

---- places_an_order stdout ----

thread 'places_an_order' panicked at tests/db.rs:20:10:
INSERT failed: db error: ERROR: column \"payment_ref\" of relation \"orders\" does not exist
note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace


failures:
    places_an_order

test result: FAILED. 1 passed; 1 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.01s


running 0 tests

test result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s
";

    #[test]
    fn failures_are_named_with_their_binary_and_first_lines() {
        let s = parse(STDOUT, STDERR);
        assert_eq!((s.passed, s.ignored), (2, 1));
        assert_eq!(
            s.failed,
            vec![Failure {
                binary: "tests/db.rs".into(),
                test: "places_an_order".into(),
                message: vec![
                    "thread 'places_an_order' panicked at tests/db.rs:20:10:".into(),
                    "INSERT failed: db error: ERROR: column \"payment_ref\" of relation \"orders\" does not exist".into(),
                ],
            }]
        );
    }

    #[test]
    fn a_stopped_suite_names_the_tests_that_had_not_finished() {
        // One thread: the name comes before the result, on the same line.
        assert_eq!(running("running 2 tests\ntest a ... ok\ntest b ... "), ["b"]);
        // Several: only a long test is named before it ends.
        let out = "running 3 tests\ntest a ... ok\ntest slow has been running for over 60 seconds\ntest hung has been running for over 60 seconds\ntest slow ... ok\n";
        assert_eq!(running(out), ["hung"]);
        assert!(running("running 1 test\ntest a ... FAILED\n").is_empty());
    }

    #[test]
    fn nothing_run_is_nothing_passed() {
        assert_eq!(parse("", ""), Suite::default());
    }

    #[test]
    fn build_errors_keep_the_location() {
        let e = build_errors("error[E0425]: cannot find value `x` in this scope\n --> src/lib.rs:3:5\n  |\nerror: could not compile `checkout`\n");
        assert_eq!(e, vec!["error[E0425]: cannot find value `x` in this scope (src/lib.rs:3:5)".to_string()]);
    }
}
