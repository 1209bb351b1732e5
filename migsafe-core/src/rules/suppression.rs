//! `-- migsafe:allow(<rule>) <reason>` on the line before a statement.

use super::{Category, Finding, MigrationRef, RuleMeta};
use crate::check::Context;
use crate::diag::Severity;
use crate::schema::Event;

pub static META_NO_REASON: RuleMeta = RuleMeta {
    id: "suppression-without-reason",
    category: Category::Hygiene,
    dialects: &crate::Dialect::ALL,
    severity: Severity::Warning,
    summary: "a `migsafe:allow` comment gives no reason",
    explain: "\
A suppression excuses a finding next to the statement it is about. Without a
reason the next reader cannot tell a reviewed exception from a silenced
alarm.

Instead, write why: `-- migsafe:allow(index-without-concurrently) table has 40 rows`.",
};

pub static META_UNUSED: RuleMeta = RuleMeta {
    id: "unused-suppression",
    category: Category::Hygiene,
    dialects: &crate::Dialect::ALL,
    severity: Severity::Warning,
    summary: "a `migsafe:allow` comment excuses a finding that does not occur",
    explain: "\
A suppression that matches no finding is stale (the statement changed) or
misspelt (the rule id is wrong): either way it hides nothing and misleads.

Instead, remove it, or fix the rule id (`cargo migsafe explain <rule>` lists them).",
};

struct Allow {
    file: String,
    stmt_line: u32,
    comment_line: u32,
    rules: Vec<String>,
    reason: String,
    used: bool,
}

/// Parse `migsafe:allow(a, b) reason` out of a comment body.
pub fn parse_allow(comment: &str) -> Option<(Vec<String>, String)> {
    let rest = comment.trim().strip_prefix("migsafe:allow(")?;
    let (ids, reason) = rest.split_once(')')?;
    let rules = ids.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
    Some((rules, reason.trim().to_string()))
}

/// Drop the findings a comment excuses; report reasonless and unused comments.
pub fn apply_suppressions(cx: &Context, findings: &mut Vec<Finding>) {
    let mut allows: Vec<Allow> = Vec::new();
    let undo_events = cx.undos.iter().flat_map(|u| u.events.iter());
    let events: Vec<&Event> = cx.pending_events().map(|(_, e)| e).chain(undo_events).collect();
    for e in events {
        for (line, c) in &e.comments {
            let Some((rules, reason)) = parse_allow(c) else { continue };
            if allows.iter().any(|a| a.file == e.at.file && a.comment_line == *line) {
                continue;
            }
            allows.push(Allow { file: e.at.file.clone(), stmt_line: e.at.line, comment_line: *line, rules, reason, used: false });
        }
    }
    findings.retain(|f| {
        let Some(m) = &f.migration else { return true };
        match allows.iter_mut().find(|a| a.file == m.file && a.stmt_line == m.line && a.rules.iter().any(|r| r == f.rule)) {
            Some(a) => {
                a.used = true;
                false
            }
            None => true,
        }
    });
    for a in allows {
        let at = Some(MigrationRef { file: a.file.clone(), line: a.comment_line });
        if a.reason.is_empty() {
            let mut f = Finding::new(&META_NO_REASON, "", None)
                .message(format!("{}:{}: `migsafe:allow({})` gives no reason", a.file, a.comment_line, a.rules.join(", ")))
                .help("say why the finding does not apply, after the closing parenthesis");
            f.migration = at.clone();
            findings.push(f);
        }
        if !a.used {
            let unknown: Vec<&String> = a.rules.iter().filter(|r| super::find(r).is_none()).collect();
            let why = if unknown.is_empty() {
                "no such finding occurs on the statement below it".to_string()
            } else {
                format!("no rule is called {}", unknown.iter().map(|r| format!("`{r}`")).collect::<Vec<_>>().join(", "))
            };
            let mut f = Finding::new(&META_UNUSED, "", None)
                .message(format!("{}:{}: `migsafe:allow({})` excuses nothing: {why}", a.file, a.comment_line, a.rules.join(", ")))
                .help("remove the comment, or fix the rule id");
            f.migration = at;
            findings.push(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_allow;
    use crate::rules::testing::{compat_keys as keys, run};
    use crate::Dialect;

    const V1: (&str, &str) = ("V1__t.sql", "CREATE TABLE t (id INT PRIMARY KEY, s TEXT);");

    #[test]
    fn parses_rules_and_reason() {
        assert_eq!(parse_allow(" migsafe:allow(a, b) small table"), Some((vec!["a".into(), "b".into()], "small table".into())));
        assert_eq!(parse_allow("just a comment"), None);
    }

    #[test]
    fn a_reasoned_comment_excuses_its_finding() {
        let v2 = ("V2__i.sql", "-- migsafe:allow(index-without-concurrently) t has 40 rows\nCREATE INDEX t_s ON t (s);");
        let r = run(Dialect::Postgres, (&[V1], ""), (&[V1, v2], ""));
        assert!(keys(&r).is_empty(), "{:?}", keys(&r));
    }

    #[test]
    fn reasonless_and_unused_comments_are_reported() {
        let v2 = ("V2__i.sql", "-- migsafe:allow(index-without-concurrently)\nCREATE INDEX t_s ON t (s);\n-- migsafe:allow(dropped-column-in-use) not needed\nALTER TABLE t ADD COLUMN x INT;");
        let r = run(Dialect::Postgres, (&[V1], ""), (&[V1, v2], ""));
        assert_eq!(keys(&r), ["suppression-without-reason warning .", "unused-suppression warning ."]);
    }
}
