//! The user's decisions about findings: rules allowed in the config
//! (`allow = [..]`) and what `--deny` turns into a failure. The core applies
//! them ([`crate::check::check_with`]), so the verdict and the exit status are
//! computed once and every renderer shows the same ones.

use serde::Serialize;

/// What `--deny` makes fail, besides errors.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Deny {
    /// `--deny warnings`: a warning makes the verdict `unsafe`.
    pub warnings: bool,
    /// `--deny unseen`: an `unproven` verdict fails the check.
    pub unseen: bool,
}

/// The policy a check runs under.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Policy {
    /// Rule ids whose findings are not reported (`allow = [...]`).
    pub allow: Vec<String>,
    pub deny: Deny,
}

impl Policy {
    /// Whether findings of `rule` are reported.
    pub fn reports(&self, rule: &str) -> bool {
        !self.allow.iter().any(|a| a == rule)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{CodeRollback, Verdict};
    use crate::rules::testing::run;
    use crate::Dialect;

    const V1: (&str, &str) = ("V1__t.sql", "CREATE TABLE t (id INT PRIMARY KEY, s TEXT);");
    const CODE: &str = "use migsafe_runtime::sql;\npub const Q: &str = sql!(\"SELECT id, s FROM t\");\n";

    /// N no longer reads `s`.
    const HEAD: &str = "use migsafe_runtime::sql;\npub const Q: &str = sql!(\"SELECT id FROM t\");\n";

    fn report(v2: &str, policy: &Policy) -> crate::check::Report {
        let mut r = run(Dialect::Postgres, (&[V1], CODE), (&[V1, ("V2__x.sql", v2)], HEAD));
        r.apply(policy);
        r
    }

    #[test]
    fn an_allowed_rule_is_not_reported_and_does_not_decide_the_verdict() {
        let drop = "ALTER TABLE t DROP COLUMN s;";
        let r = report(drop, &Policy::default());
        assert_eq!(r.verdict(), Verdict::Unsafe);
        assert_eq!(r.code_rollback(), CodeRollback::Breaks);
        let r = report(drop, &Policy { allow: vec!["dropped-column-in-use".into()], ..Policy::default() });
        assert!(r.findings.iter().all(|f| f.rule != "dropped-column-in-use"), "{:?}", r.findings);
        assert_eq!(r.verdict(), Verdict::Safe);
        assert!(!r.fails());
    }

    #[test]
    fn deny_warnings_makes_a_warning_unsafe_and_failing() {
        // An index built without CONCURRENTLY on a table that exists: a warning.
        let index = "CREATE INDEX t_s ON t (s);";
        let r = report(index, &Policy::default());
        assert!(r.warnings() > 0 && r.errors() == 0, "{:?}", r.findings);
        assert_eq!(r.verdict(), Verdict::Safe);
        assert!(!r.fails());
        let r = report(index, &Policy { deny: Deny { warnings: true, unseen: false }, ..Policy::default() });
        assert_eq!(r.verdict(), Verdict::Unsafe);
        assert!(r.fails());
        // The code-only rollback is still safe: the warning is about the migration, not N-1.
        assert_eq!(r.code_rollback(), CodeRollback::Safe);
    }

    #[test]
    fn deny_unseen_fails_an_unproven_check_without_changing_its_verdict() {
        let code = "async fn f(p: &sqlx::PgPool, q: String) { sqlx::query(&q).execute(p).await; }";
        let mut r = run(Dialect::Postgres, (&[V1], code), (&[V1, ("V2__x.sql", "ALTER TABLE t ADD COLUMN n INT;")], code));
        r.apply(&Policy::default());
        assert_eq!(r.verdict(), Verdict::Unproven);
        assert_eq!(r.code_rollback(), CodeRollback::Unproven);
        assert!(!r.fails());
        r.apply(&Policy { deny: Deny { warnings: false, unseen: true }, ..Policy::default() });
        assert_eq!(r.verdict(), Verdict::Unproven);
        assert!(r.fails());
    }

    #[test]
    fn a_finding_about_n_does_not_say_n_minus_1_breaks() {
        // N's query names a column no migration makes: an error about N, while N-1 works.
        let head = "use migsafe_runtime::sql;\npub const Q: &str = sql!(\"SELECT id, nope FROM t\");\n";
        let mut r = run(Dialect::Postgres, (&[V1], CODE), (&[V1, ("V2__x.sql", "ALTER TABLE t ADD COLUMN n INT;")], head));
        r.apply(&Policy::default());
        assert!(r.errors() > 0, "{:?}", r.findings);
        assert_eq!(r.verdict(), Verdict::Unsafe);
        assert_eq!(r.code_rollback(), CodeRollback::Safe);
    }
}
