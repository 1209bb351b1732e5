//! What a rehearsal found, its exit status, and how it is printed (human,
//! and the JSON object `--format json` prints).

use super::libtest::{Failure, Suite};
use serde_json::{json, Value};

/// How one suite's run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Passed,
    /// Some tests failed (named in the suite).
    Failed,
    /// `cargo test` failed before running any test: the compiler's errors.
    BuildFailed {
        errors: Vec<String>,
    },
    /// `cargo test` failed and no test says why (a test binary crashed).
    Crashed {
        status: String,
    },
    /// `cargo test` ran past `--timeout` and was stopped: a test waiting on
    /// a lock, or on a server that never answers, would otherwise hold the
    /// drill (and its scratch database) forever.
    TimedOut {
        /// The limit, as `--timeout` took it (`1h`, `90s`).
        after: String,
        /// It was still building: no test binary had started.
        building: bool,
        /// The tests libtest had started and not finished.
        running: Vec<String>,
    },
}

impl Outcome {
    fn id(&self) -> &'static str {
        match self {
            Outcome::Passed => "passed",
            Outcome::Failed => "failed",
            Outcome::BuildFailed { .. } => "build-failed",
            Outcome::Crashed { .. } => "crashed",
            Outcome::TimedOut { .. } => "timed-out",
        }
    }
}

pub struct SuiteRun {
    pub outcome: Outcome,
    pub suite: Suite,
}

pub struct Rehearsal {
    pub base: String,
    pub dialect: String,
    pub database: String,
    /// N-1's migrations, applied first, then N's pending ones.
    pub applied: Vec<String>,
    pub pending: Vec<String>,
    pub head: SuiteRun,
    pub base_tests: SuiteRun,
}

impl Rehearsal {
    /// 0: both suites pass on the new schema; 1: a test of N-1 or N fails on
    /// it; 2: a suite could not run (it does not build, a test binary
    /// crashed, or it ran past `--timeout`).
    pub fn exit_code(&self) -> u8 {
        let runs = [&self.head.outcome, &self.base_tests.outcome];
        if runs.iter().any(|o| matches!(o, Outcome::BuildFailed { .. } | Outcome::Crashed { .. } | Outcome::TimedOut { .. })) {
            2
        } else if runs.contains(&&Outcome::Failed) {
            1
        } else {
            0
        }
    }
}

pub fn human(r: &Rehearsal) {
    let sha = migsafe_core::short_sha(&r.base, 7);
    outln!("rehearsal on a scratch {} database: N-1's {} migration(s), then N's pending:", r.dialect, r.applied.len());
    for p in &r.pending {
        outln!("  {p}");
    }
    suite("N (working tree)", &r.head);
    suite(&format!("N-1 ({sha}, with N's migrations)"), &r.base_tests);
    outln!("");
    let verdict = match r.exit_code() {
        0 => "both releases' tests pass on the new schema: rolling the code back to N-1 needs no schema rollback (as far as its tests tell)".to_string(),
        1 if !r.base_tests.suite.failed.is_empty() => {
            format!(
                "rolling back to N-1 ({sha}) after the pending migrations would break it: {} of its tests fail on the new schema",
                r.base_tests.suite.failed.len()
            )
        }
        1 => "N's own tests fail on the schema after its migrations".to_string(),
        _ => "the drill could not run both suites (see above)".to_string(),
    };
    outln!("{verdict}");
}

fn suite(title: &str, s: &SuiteRun) {
    outln!("");
    let counts = format!("{} passed, {} failed, {} ignored", s.suite.passed, s.suite.failed.len(), s.suite.ignored);
    match &s.outcome {
        Outcome::Passed => outln!("{title}: ok ({counts})"),
        Outcome::Failed => outln!("{title}: FAILED ({counts})"),
        Outcome::BuildFailed { errors } => {
            outln!("{title}: the tests do not build");
            for e in errors {
                outln!("  {e}");
            }
        }
        Outcome::Crashed { status } => outln!("{title}: `cargo test` failed ({status}) without naming a failing test ({counts})"),
        Outcome::TimedOut { after, building: true, .. } => outln!("{title}: stopped after {after} (--timeout) while still building the tests"),
        Outcome::TimedOut { after, running, .. } => {
            outln!("{title}: stopped after {after} (--timeout): a test never finished ({counts} before it was stopped)");
            for t in running {
                outln!("  still running: {t}");
            }
        }
    }
    for f in &s.suite.failed {
        outln!("  FAILED {} ({})", f.test, f.binary);
        for l in &f.message {
            outln!("      {l}");
        }
    }
}

pub fn json(r: &Rehearsal) -> Value {
    json!({
        "base": r.base,
        "database": {"dialect": r.dialect, "name": r.database},
        "migrations": {"applied": r.applied, "pending": r.pending},
        "head": suite_json(&r.head),
        "base_tests": suite_json(&r.base_tests),
        "exit_code": r.exit_code(),
    })
}

fn suite_json(s: &SuiteRun) -> Value {
    let failed: Vec<&Failure> = s.suite.failed.iter().collect();
    let mut v = json!({
        "outcome": s.outcome.id(),
        "passed": s.suite.passed,
        "ignored": s.suite.ignored,
        "failed": failed,
    });
    match &s.outcome {
        Outcome::BuildFailed { errors } => v["build_errors"] = json!(errors),
        Outcome::Crashed { status } => v["status"] = json!(status),
        Outcome::TimedOut { after, building, running } => v["timed_out"] = json!({"after": after, "building": building, "running": running}),
        _ => {}
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(outcome: Outcome, failed: usize) -> SuiteRun {
        let f = Failure { binary: "tests/db.rs".into(), test: "t".into(), message: vec![] };
        SuiteRun { outcome, suite: Suite { passed: 1, ignored: 0, failed: vec![f; failed] } }
    }

    fn rehearsal(head: SuiteRun, base: SuiteRun) -> Rehearsal {
        Rehearsal { base: "abc".into(), dialect: "postgres".into(), database: "d".into(), applied: vec![], pending: vec![], head, base_tests: base }
    }

    #[test]
    fn exit_codes_are_checks() {
        assert_eq!(rehearsal(run(Outcome::Passed, 0), run(Outcome::Passed, 0)).exit_code(), 0);
        assert_eq!(rehearsal(run(Outcome::Passed, 0), run(Outcome::Failed, 1)).exit_code(), 1);
        assert_eq!(rehearsal(run(Outcome::Failed, 1), run(Outcome::Passed, 0)).exit_code(), 1);
        let broken = Outcome::BuildFailed { errors: vec!["error".into()] };
        assert_eq!(rehearsal(run(Outcome::Passed, 0), run(broken, 0)).exit_code(), 2);
        // A suite stopped at its time limit proves nothing, even beside a failure.
        let stopped = Outcome::TimedOut { after: "1h".into(), building: false, running: vec!["waits".into()] };
        assert_eq!(rehearsal(run(stopped, 0), run(Outcome::Failed, 1)).exit_code(), 2);
    }

    #[test]
    fn json_names_the_failing_tests_of_each_revision() {
        let v = json(&rehearsal(run(Outcome::Passed, 0), run(Outcome::Failed, 1)));
        assert_eq!(v["base_tests"]["outcome"], "failed");
        assert_eq!(v["base_tests"]["failed"][0]["test"], "t");
        assert_eq!(v["head"]["failed"].as_array().map(Vec::len), Some(0));
        assert_eq!(v["exit_code"], 1);
    }
}
