//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning.

use crate::report::Outcome;
use migsafe_core::rules::REGISTRY;
use migsafe_core::Severity;
use serde_json::json;

pub fn render(out: &Outcome) -> String {
    let rules: Vec<_> = REGISTRY
        .iter()
        .map(|r| {
            json!({
                "id": r.meta.id,
                "shortDescription": {"text": r.meta.summary},
                "fullDescription": {"text": r.meta.explain},
                "help": {"text": r.meta.explain},
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
                    json!({"id": i, "message": {"text": format!("{} {} it", if matches!(s.revision, migsafe_core::check::Revision::Base) { "N-1" } else { "N" }, s.access)},
                           "physicalLocation": {"artifactLocation": {"uri": s.file}, "region": {"startLine": s.line}}})
                })
                .collect();
            if locations.is_empty() {
                if let Some(s) = f.sites.first() {
                    locations.push(json!({"physicalLocation": {"artifactLocation": {"uri": s.file}, "region": {"startLine": s.line}}}));
                }
            }
            json!({
                "ruleId": f.rule,
                "level": level(f.severity),
                "message": {"text": format!("{}\n\nhelp: {}", f.message, f.help)},
                "locations": locations,
                "relatedLocations": related,
                "properties": {"table": f.table, "column": f.column},
            })
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "migsafe", "version": env!("CARGO_PKG_VERSION"), "rules": rules}},
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
