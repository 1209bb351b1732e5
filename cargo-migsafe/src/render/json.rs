//! `--format json`: the contract's report object.

use crate::report::Outcome;
use serde_json::json;

pub fn render(out: &Outcome) -> String {
    let r = &out.report;
    let doc = json!({
        "verdict": out.verdict_name(),
        "base": out.base_sha,
        "base_ref": out.base_ref,
        "head": "working tree",
        "pending": r.pending,
        "findings": r.findings,
        "migrations": r.migrations,
        "summary": r.summary,
        "coverage": r.coverage,
    });
    serde_json::to_string_pretty(&doc).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}
