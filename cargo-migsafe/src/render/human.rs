//! rustc-style output: each finding with snippets of the migration line and
//! the code sites, then the summary and the rollback plan.

use super::Sources;
use crate::report::Outcome;
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use migsafe_core::check::{CodeRollback, Reversibility, Revision, Verdict};
use migsafe_core::rules::Finding;
use migsafe_core::Severity;
use std::collections::HashMap;
use std::fmt::Write;
use std::ops::Range;

/// Lines shown around an annotated line: the snippet is cut from a window of
/// the file, never the whole file (10,000 findings each carrying a large
/// file took 80 s); folding shows only the annotated line anyway.
const CONTEXT_LINES: usize = 2;

/// The start of every line of each file, computed once per file however
/// many findings point into it.
/// (Files are told apart by where their text lives and its length.)
#[derive(Default)]
struct LineIndex {
    starts: HashMap<(*const u8, usize), Vec<usize>>,
}

/// A window of a file around one line: the text, the number of its first
/// line, and the line's byte range within the window (without its newline).
struct Window<'a> {
    text: &'a str,
    first_line: usize,
    span: Range<usize>,
}

impl LineIndex {
    fn window<'a>(&mut self, text: &'a str, line: u32) -> Option<Window<'a>> {
        if text.is_empty() {
            return None;
        }
        let starts = self.starts.entry((text.as_ptr(), text.len())).or_insert_with(|| {
            let mut v = vec![0];
            v.extend(text.match_indices('\n').map(|(i, _)| i + 1).filter(|&i| i < text.len()));
            v
        });
        let line = (line as usize).checked_sub(1)?;
        let start = *starts.get(line)?;
        let end_of = |l: usize| starts.get(l + 1).copied().unwrap_or(text.len());
        let line_end = start + text[start..end_of(line)].trim_end_matches(['\n', '\r']).len();
        let first = line.saturating_sub(CONTEXT_LINES);
        let last = (line + CONTEXT_LINES).min(starts.len() - 1);
        let (w_start, w_end) = (starts[first], end_of(last));
        Some(Window { text: text.get(w_start..w_end)?, first_line: first + 1, span: start - w_start..line_end - w_start })
    }
}

pub fn render(out: &Outcome, sources: &Sources, color: bool) -> String {
    let renderer = if color { Renderer::styled() } else { Renderer::plain() };
    let mut s = String::new();
    let mut index = LineIndex::default();
    for f in &out.report.findings {
        s.push_str(&renderer.render(&finding(f, sources, &mut index)));
        s.push_str("\n\n");
    }
    s.push_str(&summary(out));
    s
}

fn level(sev: Severity) -> Level<'static> {
    match sev {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Info => Level::INFO,
    }
}

fn finding<'a>(f: &'a Finding, sources: &'a Sources, index: &mut LineIndex) -> Vec<Group<'a>> {
    let title = level(f.severity).primary_title(f.message.as_str()).id(f.rule);
    let mut elements = Vec::new();
    if let Some(m) = &f.migration {
        if let Some(text) = sources.head.get(&m.file).or_else(|| sources.base.get(&m.file)) {
            if let Some(w) = index.window(text, m.line) {
                let label = match &f.column {
                    Some(c) if !f.table.is_empty() => format!("`{}.{c}`", f.table),
                    _ if !f.table.is_empty() => format!("`{}`", f.table),
                    _ => String::new(),
                };
                elements.push(
                    Snippet::source(w.text)
                        .line_start(w.first_line)
                        .path(m.file.as_str())
                        .fold(true)
                        .annotation(AnnotationKind::Primary.span(w.span).label(label)),
                );
            }
        }
    }
    for site in &f.sites {
        let texts = match site.revision {
            Revision::Base => &sources.base,
            Revision::Head => &sources.head,
        };
        let who = match site.revision {
            Revision::Base => "N-1",
            Revision::Head => "N",
        };
        // Access verbs take the column as object; an unseen call has none.
        let label = if f.rule == "unseen-site" { format!("{who} {} here", site.access_text()) } else { format!("{who} {} it here", site.access_text()) };
        match texts.get(&site.file).and_then(|t| index.window(t, site.line)) {
            Some(w) => {
                let kind = if elements.is_empty() { AnnotationKind::Primary } else { AnnotationKind::Context };
                elements.push(Snippet::source(w.text).line_start(w.first_line).path(site.file.as_str()).fold(true).annotation(kind.span(w.span).label(label)));
            }
            None => {
                elements.push(Snippet::source("").path(site.file.as_str()).fold(true));
            }
        }
    }
    let mut group = title.elements(elements).element(Level::HELP.message(f.help.as_str()));
    if let Some(sql) = &f.safe_sql {
        let indented: String = sql.lines().map(|l| format!("\n    {l}")).collect();
        group = group.element(Level::NOTE.message(format!("the safe way:{indented}")));
    }
    vec![group]
}

fn summary(out: &Outcome) -> String {
    let r = &out.report;
    let s = &r.summary;
    let mut t = String::new();
    let base = out.base_label();
    let pending = match s.pending {
        0 => "no pending migrations".to_string(),
        1 => "1 pending migration".to_string(),
        n => format!("{n} pending migrations"),
    };
    let what =
        format!("{}, {} column{} touched", crate::report::describe_coverage(&r.coverage.base), s.base_columns, if s.base_columns == 1 { "" } else { "s" });
    let errors = r.errors();
    let warnings = r.warnings();
    if errors == 0 {
        let _ = writeln!(t, "{base}: {what} — all work after {pending}.");
    } else {
        let _ = writeln!(t, "{base}: {what} — {errors} error{} after {pending}.", if errors == 1 { "" } else { "s" });
    }
    if !r.migrations.is_empty() {
        let _ = writeln!(t, "\nRollback plan:");
        let rollback = match r.code_rollback() {
            CodeRollback::Breaks => "NOT safe — N-1 breaks on the new schema: see the errors above".to_string(),
            CodeRollback::Unproven => match r.coverage.base.unseen {
                0 => "not proven — N-1 shows no database access migsafe can read".to_string(),
                n => format!(
                    "safe for what migsafe sees — N-1 works on the new schema, but {n} of its database calls {} SQL migsafe cannot read",
                    if n == 1 { "runs" } else { "run" }
                ),
            },
            CodeRollback::Safe => "safe — N-1 works on the new schema".to_string(),
        };
        let _ = writeln!(t, "  roll back the code only: {rollback}");
        for m in &r.migrations {
            let class = match m.class {
                Reversibility::Reversible => "reversible",
                Reversibility::ReversibleWithDataLoss => "reversible with data loss",
                Reversibility::Irreversible => "irreversible",
            };
            let _ = writeln!(t, "  {}: {class}", m.file);
            for reason in &m.reasons {
                let _ = writeln!(t, "      {reason}");
            }
        }
        // Undo scripts not to run, each with what it would destroy or break.
        for m in &r.migrations {
            let Some(down) = &m.down else { continue };
            let mut why: Vec<String> = m
                .reasons
                .iter()
                .filter(|x| x.starts_with(down.as_str()))
                .map(|x| x[down.len()..].trim_start_matches(|c: char| c == ':' || c.is_ascii_digit()).trim().to_string())
                .collect();
            for f in r.findings.iter().filter(|f| f.rule == "undo-breaks-head" && f.migration.as_ref().is_some_and(|l| l.file == *down)) {
                let what = match &f.column {
                    Some(c) => format!("breaks N, which uses `{}.{c}`", f.table),
                    None => format!("breaks N, which uses `{}`", f.table),
                };
                if !why.contains(&what) {
                    why.push(what);
                }
            }
            if !why.is_empty() {
                let _ = writeln!(t, "  do not run {down}: {}", why.join("; "));
            }
        }
    }
    let notes = r.findings.iter().filter(|f| f.severity == Severity::Info).count();
    let notes = if notes == 0 { String::new() } else { format!(", {notes} note{}", if notes == 1 { "" } else { "s" }) };
    let _ = writeln!(
        t,
        "\nverdict: {} ({errors} error{}, {warnings} warning{}{notes})",
        r.verdict().as_str(),
        if errors == 1 { "" } else { "s" },
        if warnings == 1 { "" } else { "s" }
    );
    let contract_unseen = r.findings.iter().filter(|f| f.rule == "contract-unseen-type").count();
    if r.verdict() == Verdict::Unproven && contract_unseen > 0 {
        let _ = writeln!(
            t,
            "  safe for what migsafe sees, not proven: {contract_unseen} event or payload type{} whose serde form migsafe cannot read (the contract-unseen-type warnings above)",
            if contract_unseen == 1 { "" } else { "s" }
        );
    }
    let unseen_code = r.coverage.base.unseen + r.coverage.head.unseen > 0 || (r.coverage.base.seen == 0 && !r.pending.is_empty());
    if r.verdict() == Verdict::Unproven && (contract_unseen == 0 || unseen_code) {
        let unseen = r.coverage.base.unseen + r.coverage.head.unseen;
        let why = if unseen > 0 {
            format!("{unseen} database call{} whose SQL migsafe cannot read (the unseen-site warnings above)", if unseen == 1 { "" } else { "s" })
        } else {
            "N-1 shows no database access migsafe can read".to_string()
        };
        let _ = writeln!(t, "  safe for what migsafe sees, not proven: {why}; declare what such code touches with #[touches(read(..), write(..))]");
    }
    t
}
