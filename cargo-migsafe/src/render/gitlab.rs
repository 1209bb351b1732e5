//! `--format gitlab`: GitLab's code quality report (a Code Climate JSON
//! array), which a merge request shows inline when a job uploads it as
//! `artifacts: reports: codequality`.

use crate::report::Outcome;
use migsafe_core::Severity;
use serde_json::json;
use std::hash::{Hash, Hasher};

pub fn render(out: &Outcome) -> String {
    let issues: Vec<serde_json::Value> = out
        .report
        .findings
        .iter()
        .map(|f| {
            let (file, line) = match (&f.migration, f.sites.first()) {
                (Some(m), _) => (m.file.clone(), m.line),
                (None, Some(site)) => (site.file.clone(), site.line),
                (None, None) => ("Cargo.toml".to_string(), 1),
            };
            // Stable across runs for the same finding at the same place: GitLab
            // compares fingerprints to say which issues a merge request adds.
            let mut h = std::collections::hash_map::DefaultHasher::new();
            (f.rule, &f.table, &f.column, &file, line).hash(&mut h);
            json!({
                "description": format!("{} — {}", f.message, f.help),
                "check_name": f.rule,
                "fingerprint": format!("{:016x}", h.finish()),
                "severity": match f.severity {
                    Severity::Error => "critical",
                    Severity::Warning => "major",
                    Severity::Info => "info",
                },
                "location": { "path": file, "lines": { "begin": line } },
            })
        })
        .collect();
    serde_json::to_string_pretty(&issues).unwrap_or_else(|_| "[]".into())
}
