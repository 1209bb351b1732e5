//! Build a check from inline migrations and sources.

use crate::annotations::scan_file;
use crate::check::{check, Report, RevisionInput};
use crate::migrations::{MigrationSource, SourceFile};
use crate::schema::analyze;
use crate::Dialect;

pub fn rev(dialect: Dialect, migs: &[(&str, &str)], src: &str) -> RevisionInput {
    rev_run_by(dialect, None, migs, src)
}

/// Like [`run`], the migrations run by `tool` (`tool = "…"` in the configuration).
pub fn run_by(dialect: Dialect, tool: crate::migrations::Tool, base: &[(&str, &str)], head: &[(&str, &str)]) -> Report {
    check(&rev_run_by(dialect, Some(tool), base, ""), &rev_run_by(dialect, Some(tool), head, ""))
}

fn rev_run_by(dialect: Dialect, tool: Option<crate::migrations::Tool>, migs: &[(&str, &str)], src: &str) -> RevisionInput {
    let source = MigrationSource::new("migrations", migs.iter().map(|(p, t)| SourceFile::new(*p, *t)).collect()).with_tool(tool);
    let history = analyze(dialect, &source);
    assert!(!history.has_errors(), "{:?}", history.diagnostics);
    let (sites, diags) = scan_file("src/lib.rs", src);
    assert!(diags.is_empty(), "{diags:?}");
    let contracts = crate::contract::read_crate(&[("src/lib.rs".to_string(), src.to_string())]);
    RevisionInput { sha: Some("0123456789abcdef".into()), history, sites, contracts }
}

pub fn run(dialect: Dialect, base: (&[(&str, &str)], &str), head: (&[(&str, &str)], &str)) -> Report {
    check(&rev(dialect, base.0, base.1), &rev(dialect, head.0, head.1))
}

/// Like [`run`], with the code read by every footprint source (sqlx,
/// diesel, …), as `cargo migsafe check` reads a crate.
pub fn run_sources(dialect: Dialect, base: (&[(&str, &str)], &str), head: (&[(&str, &str)], &str)) -> Report {
    run_sources_with(dialect, base, head, &[])
}

/// Other files of the package, by path from the repository root.
struct MapFiles<'a>(&'a [(&'a str, &'a str)]);

impl crate::sources::Files for MapFiles<'_> {
    fn read(&self, path: &str) -> Option<String> {
        self.0.iter().find(|(p, _)| *p == path).map(|(_, t)| t.to_string())
    }
}

/// Like [`run_sources`], N-1 with these other files (`.sqlx/…`, `query_file!` SQL).
pub fn run_sources_with(dialect: Dialect, base: (&[(&str, &str)], &str), head: (&[(&str, &str)], &str), base_files: &[(&str, &str)]) -> Report {
    let rev = |migs: &[(&str, &str)], src: &str, files: &[(&str, &str)]| {
        let mut r = rev(dialect, migs, "");
        let info = crate::sources::CrateInfo { dir: String::new(), deps: None, dialect: Some(dialect) };
        let scan = crate::sources::scan_crate(&[("src/lib.rs".into(), src.into())], &info, &MapFiles(files));
        assert!(scan.diagnostics.is_empty(), "{:?}", scan.diagnostics);
        r.sites = scan.sites;
        r
    };
    check(&rev(base.0, base.1, base_files), &rev(head.0, head.1, &[]))
}

/// Like [`keys`], without the operational hazard rules: for tests about
/// N-1 compatibility, whose migrations also (rightly) take locks.
pub fn compat_keys(r: &Report) -> Vec<String> {
    r.findings
        .iter()
        .filter(|f| crate::rules::category(f.rule) != Some(crate::rules::Category::Hazard))
        .map(|f| format!("{} {} {}.{}", f.rule, f.severity, f.table, f.column.clone().unwrap_or_default()))
        .collect()
}

/// (rule, severity, table, column) of each finding.
pub fn keys(r: &Report) -> Vec<String> {
    r.findings.iter().map(|f| format!("{} {} {}.{}", f.rule, f.severity, f.table, f.column.clone().unwrap_or_default())).collect()
}
