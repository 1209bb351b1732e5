//! The outcome of `check` across every database of the project.

use migsafe_core::check::Report;

pub struct Outcome {
    pub base_sha: String,
    pub base_ref: String,
    pub report: Report,
    pub deny_warnings: bool,
}

impl Outcome {
    pub fn base_label(&self) -> String {
        format!("N-1 ({}, {})", &self.base_sha[..self.base_sha.len().min(7)], self.base_ref)
    }

    /// Exactly when a finding is an error (or, with `--deny warnings`, a warning).
    pub fn unsafe_(&self) -> bool {
        self.report.errors() > 0 || (self.deny_warnings && self.report.warnings() > 0)
    }
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
    }
    Some(first)
}
