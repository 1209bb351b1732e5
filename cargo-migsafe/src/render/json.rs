//! `--format json`: the contract's report object.

use crate::report::Outcome;
use serde_json::json;

/// The report's format version: bumped when a field changes meaning or goes
/// away (new fields do not bump it). `docs/report.schema.json` describes it.
pub const VERSION: u32 = 1;

pub fn render(out: &Outcome) -> String {
    let r = &out.report;
    let doc = json!({
        "version": VERSION,
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
