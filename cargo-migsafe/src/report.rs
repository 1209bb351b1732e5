//! The outcome of `check` across every database of the project.

use migsafe_core::check::{Report, RevisionCoverage};

pub struct Outcome {
    pub base_sha: String,
    pub base_ref: String,
    /// Judged by the core under the user's policy: its verdict is the one shown.
    pub report: Report,
}

impl Outcome {
    pub fn base_label(&self) -> String {
        format!("N-1 ({}, {})", migsafe_core::short_sha(&self.base_sha, 7), self.base_ref)
    }
}

/// "N-1: 12 sites seen (sqlx 10, diesel 2), 1 unseen".
pub fn describe_coverage(c: &RevisionCoverage) -> String {
    let by: Vec<String> = c.by_source.iter().map(|(k, v)| format!("{k} {v}")).collect();
    let by = if by.is_empty() { String::new() } else { format!(" ({})", by.join(", ")) };
    format!("{} site{} seen{by}, {} unseen", c.seen, if c.seen == 1 { "" } else { "s" }, c.unseen)
}

/// Merge the reports of several databases into one.
pub fn merge(mut reports: Vec<Report>) -> Option<Report> {
    let mut first = reports.drain(..1).next()?;
    for r in reports {
        first.findings.extend(r.findings);
        first.pending.extend(r.pending);
        first.migrations.extend(r.migrations);
        let (a, b) = (&mut first.summary, r.summary);
        a.base_queries += b.base_queries;
        a.base_structs += b.base_structs;
        a.base_enums += b.base_enums;
        a.base_touches += b.base_touches;
        a.base_columns += b.base_columns;
        a.head_sites += b.head_sites;
        a.pending += b.pending;
        first.coverage.base.add(&r.coverage.base);
        first.coverage.head.add(&r.coverage.head);
        // One `--deny` for the whole run: every report carries the same.
        first.deny = r.deny;
    }
    Some(first)
}
