//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning.

use crate::report::Outcome;
use migsafe_core::rules::REGISTRY;
use migsafe_core::Severity;
use serde_json::json;

/// Where the rules reference lives; each rule's `helpUri` is its anchor there.
pub const RULES_DOC: &str = "https://github.com/migsafe/migsafe/blob/main/docs/rules.md";

pub fn render(out: &Outcome) -> String {
    let rules: Vec<_> = REGISTRY
        .iter()
        .map(|r| {
            json!({
                "id": r.meta.id,
                "shortDescription": {"text": r.meta.summary},
                "fullDescription": {"text": r.meta.explain},
                "help": {"text": r.meta.explain, "markdown": r.meta.explain},
                "helpUri": format!("{RULES_DOC}#{}", r.meta.id),
                "defaultConfiguration": {"level": level(r.meta.severity)},
            })
        })
        .collect();
    let results: Vec<_> = out
        .report
        .findings
        .iter()
        .map(|f| {
            let mut locations = Vec::new();
            if let Some(m) = &f.migration {
                locations.push(json!({"physicalLocation": {"artifactLocation": {"uri": m.file}, "region": {"startLine": m.line}}}));
            }
            let related: Vec<_> = f
                .sites
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    let rev = if matches!(s.revision, migsafe_core::check::Revision::Base) { "N-1 (base revision)" } else { "N (working tree)" };
                    json!({"id": i, "message": {"text": format!("{rev} {} it here", s.access_text())},
                           "physicalLocation": {"artifactLocation": {"uri": s.file}, "region": {"startLine": s.line}}})
                })
                .collect();
            if locations.is_empty() {
                if let Some(s) = f.sites.first() {
                    locations.push(json!({"physicalLocation": {"artifactLocation": {"uri": s.file}, "region": {"startLine": s.line}}}));
                }
            }
            let safe = f.safe_sql.as_ref().map(|sql| format!("\n\nthe safe way:\n{sql}")).unwrap_or_default();
            json!({
                "ruleId": f.rule,
                "level": level(f.severity),
                "message": {"text": format!("{}\n\nhelp: {}{safe}", f.message, f.help)},
                "locations": locations,
                "relatedLocations": related,
                "properties": {"table": f.table, "column": f.column, "safe_sql": f.safe_sql, "revisions": f.sites.iter().map(|s| s.revision).collect::<Vec<_>>()},
            })
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "migsafe", "version": env!("CARGO_PKG_VERSION"), "informationUri": "https://github.com/migsafe/migsafe", "rules": rules}},
            "results": results,
        }],
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}
