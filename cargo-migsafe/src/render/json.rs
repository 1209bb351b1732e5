//! `--format json`: the contract's report object.
//!
//! The wire format is declared here, as versioned types built from the
//! core's report ([`v1`]): the core's types can change shape without
//! changing what CI scripts parse, and a change to the format is a change to
//! this file (and to `docs/report.schema.json`).

use crate::report::Outcome;

/// The report's format version: bumped when a field changes meaning or goes
/// away (new fields do not bump it). `docs/report.schema.json` describes it.
pub const VERSION: u32 = 1;

pub fn render(out: &Outcome) -> String {
    serde_json::to_string_pretty(&v1::Report::from(out)).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

/// Version 1 of the report: the shape `docs/report.schema.json` describes.
pub mod v1 {
    use crate::report::Outcome;
    use migsafe_core::check as core;
    use serde::Serialize;
    use std::collections::BTreeMap;

    #[derive(Serialize)]
    pub struct Report<'a> {
        pub version: u32,
        /// `safe`, `unproven` or `unsafe`, under `--deny`.
        pub verdict: &'static str,
        pub base: &'a str,
        pub base_ref: &'a str,
        pub head: &'static str,
        pub pending: &'a [String],
        pub findings: Vec<Finding<'a>>,
        pub migrations: Vec<Migration<'a>>,
        pub summary: Summary,
        pub coverage: Coverage,
    }

    #[derive(Serialize)]
    pub struct Finding<'a> {
        pub rule: &'a str,
        pub severity: String,
        pub table: &'a str,
        pub column: Option<&'a str>,
        pub migration: Option<Place<'a>>,
        pub sites: Vec<Site<'a>>,
        pub message: &'a str,
        pub help: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub safe_sql: Option<&'a str>,
    }

    #[derive(Serialize)]
    pub struct Place<'a> {
        pub file: &'a str,
        pub line: u32,
    }

    #[derive(Serialize)]
    pub struct Site<'a> {
        /// `base` (N-1) or `head` (N).
        pub revision: &'static str,
        pub file: &'a str,
        pub line: u32,
        pub item: &'a str,
        /// "reads, filters on".
        pub access: String,
    }

    #[derive(Serialize)]
    pub struct Migration<'a> {
        pub file: &'a str,
        pub down: Option<&'a str>,
        /// `reversible`, `reversible-with-data-loss` or `irreversible`.
        pub class: &'static str,
        pub reasons: &'a [String],
    }

    #[derive(Serialize)]
    pub struct Summary {
        pub base_queries: usize,
        pub base_structs: usize,
        pub base_enums: usize,
        pub base_touches: usize,
        pub base_columns: usize,
        pub head_sites: usize,
        pub pending: usize,
    }

    #[derive(Serialize)]
    pub struct Coverage {
        pub base: RevisionCoverage,
        pub head: RevisionCoverage,
    }

    #[derive(Serialize)]
    pub struct RevisionCoverage {
        pub seen: usize,
        pub unseen: usize,
        pub by_source: BTreeMap<&'static str, usize>,
    }

    impl<'a> From<&'a Outcome> for Report<'a> {
        fn from(out: &'a Outcome) -> Self {
            let r = &out.report;
            let s = &r.summary;
            Report {
                version: super::VERSION,
                verdict: r.verdict().as_str(),
                base: &out.base_sha,
                base_ref: &out.base_ref,
                head: "working tree",
                pending: &r.pending,
                findings: r.findings.iter().map(finding).collect(),
                migrations: r.migrations.iter().map(migration).collect(),
                summary: Summary {
                    base_queries: s.base_queries,
                    base_structs: s.base_structs,
                    base_enums: s.base_enums,
                    base_touches: s.base_touches,
                    base_columns: s.base_columns,
                    head_sites: s.head_sites,
                    pending: s.pending,
                },
                coverage: Coverage { base: coverage(&r.coverage.base), head: coverage(&r.coverage.head) },
            }
        }
    }

    /// A finding as every command's JSON writes it (`check`'s report, `verify`'s).
    pub(crate) fn finding(f: &migsafe_core::rules::Finding) -> Finding<'_> {
        Finding {
            rule: f.rule,
            severity: f.severity.to_string(),
            table: &f.table,
            column: f.column.as_deref(),
            migration: f.migration.as_ref().map(|m| Place { file: &m.file, line: m.line }),
            sites: f
                .sites
                .iter()
                .map(|s| Site {
                    revision: match s.revision {
                        core::Revision::Base => "base",
                        core::Revision::Head => "head",
                    },
                    file: &s.file,
                    line: s.line,
                    item: &s.item,
                    access: s.access_text(),
                })
                .collect(),
            message: &f.message,
            help: &f.help,
            safe_sql: f.safe_sql.as_deref(),
        }
    }

    fn migration(m: &core::MigrationClass) -> Migration<'_> {
        Migration {
            file: &m.file,
            down: m.down.as_deref(),
            class: match m.class {
                core::Reversibility::Reversible => "reversible",
                core::Reversibility::ReversibleWithDataLoss => "reversible-with-data-loss",
                core::Reversibility::Irreversible => "irreversible",
            },
            reasons: &m.reasons,
        }
    }

    fn coverage(c: &core::RevisionCoverage) -> RevisionCoverage {
        RevisionCoverage { seen: c.seen, unseen: c.unseen, by_source: c.by_source.iter().map(|(k, v)| (k.name(), *v)).collect() }
    }
}
