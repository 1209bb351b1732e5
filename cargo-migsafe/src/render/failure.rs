//! A check that could not be made (exit 2), in the machine formats: the
//! same shapes as a report, so a CI step that parses stdout sees why.

use crate::commands::InputErrors;
use crate::Format;
use serde_json::json;

/// Each problem: (file, line, message); the file is empty when the error names none.
fn problems(e: &anyhow::Error) -> Vec<(String, u32, String)> {
    match e.downcast_ref::<InputErrors>() {
        Some(ie) => ie.diagnostics.iter().map(|d| (d.location.file.clone(), d.location.line, format!("{}: {}", ie.what, d.message))).collect(),
        None => vec![(String::new(), 0, format!("{e:#}"))],
    }
}

pub fn render(format: Format, e: &anyhow::Error) -> String {
    let ps = problems(e);
    match format {
        Format::Human => format!("error: {e:#}"),
        Format::Json => {
            let diagnostics: Vec<_> =
                ps.iter().map(|(f, l, m)| json!({"file": (!f.is_empty()).then_some(f), "line": (*l > 0).then_some(l), "message": m})).collect();
            serde_json::to_string_pretty(&json!({
                "version": super::json::VERSION,
                "verdict": "error",
                "error": format!("{e:#}"),
                "diagnostics": diagnostics,
                "findings": [],
            }))
            .unwrap_or_default()
        }
        Format::Github => ps
            .iter()
            .map(|(f, l, m)| {
                let loc = if f.is_empty() { String::new() } else { format!(" file={f},line={}", (*l).max(1)) };
                format!("::error{loc},title=migsafe could not check::{}", m.replace('%', "%25").replace('\n', "%0A"))
            })
            .collect::<Vec<_>>()
            .join("\n")
            .replace("::error,title", "::error title"),
        Format::Sarif => serde_json::to_string_pretty(&json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {"name": "migsafe", "version": env!("CARGO_PKG_VERSION"), "informationUri": "https://github.com/migsafe/migsafe"}},
                "invocations": [{
                    "executionSuccessful": false,
                    "toolExecutionNotifications": ps.iter().map(|(f, l, m)| {
                        let mut n = json!({"level": "error", "message": {"text": m}});
                        if !f.is_empty() {
                            n["locations"] = json!([{"physicalLocation": {"artifactLocation": {"uri": f}, "region": {"startLine": (*l).max(1)}}}]);
                        }
                        n
                    }).collect::<Vec<_>>(),
                }],
                "results": [],
            }],
        }))
        .unwrap_or_default(),
        Format::Gitlab => serde_json::to_string_pretty(
            &ps.iter()
                .map(|(f, l, m)| {
                    json!({
                        "description": format!("migsafe could not check: {m}"),
                        "check_name": "migsafe-error",
                        "fingerprint": format!("{:016x}", m.len() as u64 ^ (*l as u64) << 32),
                        "severity": "blocker",
                        "location": {"path": if f.is_empty() { "Cargo.toml" } else { f }, "lines": {"begin": (*l).max(1)}},
                    })
                })
                .collect::<Vec<_>>(),
        )
        .unwrap_or_default(),
    }
}
