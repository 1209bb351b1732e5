//! The rules of `cargo migsafe check`: one file each, with its doc, its
//! check and its tests; [`REGISTRY`] lists them all, and `explain` and the
//! docs are generated from their [`RuleMeta`].

use crate::check::{Context, Revision, SiteRef};
use crate::diag::Severity;
use crate::schema::Event;
use serde::Serialize;

mod applied_migration_edited;
mod column_now_nullable;
mod column_type_changed;
mod dropped_column_in_use;
mod dropped_table_in_use;
mod enum_value_not_decodable;
mod head_schema_mismatch;
mod index_without_concurrently;
mod renamed_column_in_use;
mod renamed_table_in_use;
mod required_column_not_supplied;
mod suppression;
mod undo_breaks_head;
mod unmodelled_statement;

pub use suppression::apply_suppressions;

/// What a rule is, as data: `explain` and the docs read it.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct RuleMeta {
    pub id: &'static str,
    /// The severity its findings have unless the finding says otherwise.
    pub severity: Severity,
    /// One line.
    pub summary: &'static str,
    /// Markdown: why it matters, what it checks, what to do instead.
    pub explain: &'static str,
}

/// A rule: its metadata and its check.
pub struct Rule {
    pub meta: &'static RuleMeta,
    pub check: fn(&Context, &mut Vec<Finding>),
}

/// Every rule, in the order they run.
pub static REGISTRY: &[Rule] = &[
    Rule { meta: &head_schema_mismatch::META, check: head_schema_mismatch::check },
    Rule { meta: &dropped_column_in_use::META, check: dropped_column_in_use::check },
    Rule { meta: &renamed_column_in_use::META, check: renamed_column_in_use::check },
    Rule { meta: &dropped_table_in_use::META, check: dropped_table_in_use::check },
    Rule { meta: &renamed_table_in_use::META, check: renamed_table_in_use::check },
    Rule { meta: &column_type_changed::META, check: column_type_changed::check },
    Rule { meta: &required_column_not_supplied::META, check: required_column_not_supplied::check },
    Rule { meta: &column_now_nullable::META, check: column_now_nullable::check },
    Rule { meta: &enum_value_not_decodable::META, check: enum_value_not_decodable::check },
    Rule { meta: &undo_breaks_head::META, check: undo_breaks_head::check },
    Rule { meta: &unmodelled_statement::META, check: unmodelled_statement::check },
    Rule { meta: &applied_migration_edited::META, check: applied_migration_edited::check },
    Rule { meta: &index_without_concurrently::META, check: index_without_concurrently::check },
    Rule { meta: &suppression::META_NO_REASON, check: suppression::check_nothing },
    Rule { meta: &suppression::META_UNUSED, check: suppression::check_nothing },
];

/// Look a rule up by id.
pub fn find(id: &str) -> Option<&'static Rule> {
    REGISTRY.iter().find(|r| r.meta.id == id)
}

/// Where in a migration a finding is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct MigrationRef {
    pub file: String,
    pub line: u32,
}

/// One finding of `check`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    pub table: String,
    pub column: Option<String>,
    pub migration: Option<MigrationRef>,
    pub sites: Vec<SiteRef>,
    pub message: String,
    pub help: String,
    /// The SQL of the safe way (expand step now, contract step later, or the forward fix).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub safe_sql: Option<String>,
}

impl Finding {
    pub fn new(meta: &RuleMeta, table: impl Into<String>, column: Option<&str>) -> Self {
        Finding {
            rule: meta.id,
            severity: meta.severity,
            table: table.into(),
            column: column.map(String::from),
            migration: None,
            sites: Vec::new(),
            message: String::new(),
            help: String::new(),
            safe_sql: None,
        }
    }
    pub fn at(mut self, e: &Event) -> Self {
        self.migration = Some(MigrationRef { file: e.at.file.clone(), line: e.at.line });
        self
    }
    pub fn sites(mut self, sites: Vec<SiteRef>) -> Self {
        self.sites = sites;
        self
    }
    pub fn message(mut self, m: impl Into<String>) -> Self {
        self.message = m.into();
        self
    }
    pub fn help(mut self, h: impl Into<String>) -> Self {
        self.help = h.into();
        self
    }
    pub fn sql(mut self, s: impl Into<String>) -> Self {
        self.safe_sql = Some(s.into());
        self
    }
    pub fn severity(mut self, s: Severity) -> Self {
        self.severity = s;
        self
    }
}

/// "N-1 reads, filters on it (src/a.rs:3, src/b.rs:9)".
pub(crate) fn describe_sites(who: &str, sites: &[SiteRef]) -> String {
    let mut verbs: Vec<&str> = sites.iter().flat_map(|s| s.access.split(", ")).collect();
    verbs.sort();
    verbs.dedup();
    let places: Vec<String> = sites.iter().take(3).map(|s| format!("{}:{}", s.file, s.line)).collect();
    let more = if sites.len() > 3 { format!(" and {} more", sites.len() - 3) } else { String::new() };
    format!("{who} {} it ({}{more})", verbs.join(", "), places.join(", "))
}

pub(crate) fn base_label(cx: &Context) -> String {
    match &cx.base.sha {
        Some(s) => format!("N-1 ({})", &s[..s.len().min(7)]),
        None => "N-1".to_string(),
    }
}

pub(crate) fn any(_: crate::footprint::Access) -> bool {
    true
}

#[allow(dead_code)]
pub(crate) fn rev_name(r: Revision) -> &'static str {
    match r {
        Revision::Base => "N-1",
        Revision::Head => "N",
    }
}

#[cfg(test)]
pub(crate) mod testing {
    //! Build a check from inline migrations and sources.
    use crate::annotations::scan_file;
    use crate::check::{check, Report, RevisionInput};
    use crate::migrations::{MigrationSource, SourceFile};
    use crate::schema::analyze;
    use crate::Dialect;

    pub fn rev(dialect: Dialect, migs: &[(&str, &str)], src: &str) -> RevisionInput {
        let source = MigrationSource::new("migrations", migs.iter().map(|(p, t)| SourceFile::new(*p, *t)).collect());
        let history = analyze(dialect, &source);
        assert!(!history.has_errors(), "{:?}", history.diagnostics);
        let (sites, diags) = scan_file("src/lib.rs", src);
        assert!(diags.is_empty(), "{diags:?}");
        RevisionInput { sha: Some("0123456789abcdef".into()), history, sites }
    }

    pub fn run(dialect: Dialect, base: (&[(&str, &str)], &str), head: (&[(&str, &str)], &str)) -> Report {
        check(&rev(dialect, base.0, base.1), &rev(dialect, head.0, head.1))
    }

    /// (rule, severity, table, column) of each finding.
    pub fn keys(r: &Report) -> Vec<String> {
        r.findings.iter().map(|f| format!("{} {} {}.{}", f.rule, f.severity, f.table, f.column.clone().unwrap_or_default())).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_ids_are_unique_kebab_case_and_documented() {
        let mut ids: Vec<&str> = REGISTRY.iter().map(|r| r.meta.id).collect();
        for id in &ids {
            assert!(id.chars().all(|c| c.is_ascii_lowercase() || c == '-'), "{id}");
        }
        for r in REGISTRY {
            assert!(!r.meta.summary.is_empty() && r.meta.explain.len() > 80, "{} needs docs", r.meta.id);
            assert!(r.meta.explain.contains("instead") || r.meta.explain.contains("Instead") || r.meta.explain.contains("To fix"), "{} must say what to do instead", r.meta.id);
        }
        let n = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), n, "duplicate rule id");
        // The contract names this rule id in its JSON example.
        assert!(find("dropped-column-in-use").is_some());
    }

    #[test]
    fn every_rule_file_is_registered() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/rules");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|f| f.ends_with(".rs") && f != "mod.rs" && f != "suppression.rs")
            .map(|f| f.trim_end_matches(".rs").replace('_', "-"))
            .collect();
        files.sort();
        for f in files {
            assert!(find(&f).is_some(), "rules/{f}.rs is not in the registry (or its id differs from its file name)");
        }
    }
}
