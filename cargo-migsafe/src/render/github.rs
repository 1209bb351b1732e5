//! `--format github`: workflow commands that annotate the pull request.

use crate::report::Outcome;
use migsafe_core::Severity;

fn escape(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn escape_prop(s: &str) -> String {
    escape(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn render(out: &Outcome) -> String {
    let mut s = String::new();
    for f in &out.report.findings {
        let cmd = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let (file, line) = match (&f.migration, f.sites.first()) {
            (Some(m), _) => (m.file.clone(), m.line),
            (None, Some(site)) => (site.file.clone(), site.line),
            (None, None) => (String::new(), 1),
        };
        let loc = if file.is_empty() { String::new() } else { format!("file={},line={line},", escape_prop(&file)) };
        s.push_str(&format!("::{cmd} {loc}title={}::{}\n", escape_prop(f.rule), escape(&format!("{} — {}", f.message, f.help))));
    }
    s
}
