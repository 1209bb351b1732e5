//! The rules of `cargo migsafe check`: one file each, with its doc, its
//! check and its tests; [`REGISTRY`] lists them all, and `explain` and the
//! docs are generated from their [`RuleMeta`].

use crate::check::{Context, SiteRef, SiteUse};
use crate::diag::Severity;
use crate::schema::Event;
use crate::Dialect;
use serde::Serialize;

mod applied_migration_edited;
mod backfill_in_ddl_transaction;
mod column_now_nullable;
mod column_type_changed;
mod concurrently_in_transaction;
mod constraint_without_not_valid;
mod contract_field_renamed;
mod contract_new_required_field;
mod contract_required_field_dropped;
mod contract_type_changed;
mod contract_unknown_field_denied;
mod contract_unseen_type;
pub(crate) use contract_unseen_type::META as CONTRACT_UNSEEN_TYPE;
mod contract_variant_not_decodable;
mod dropped_column_in_use;
mod dropped_table_in_use;
mod enum_value_not_decodable;
mod head_schema_mismatch;
pub(crate) use head_schema_mismatch::META as HEAD_SCHEMA_MISMATCH;
mod index_without_concurrently;
mod lock_without_timeout;
mod mysql_alter_copies_table;
mod renamed_column_in_use;
mod renamed_table_in_use;
mod required_column_not_supplied;
mod schema_drift;
pub(crate) use schema_drift::META as SCHEMA_DRIFT;
mod set_not_null_scans_table;
mod sqlite_alter_unsupported;
mod sqlite_table_rebuild;
mod suppression;
mod type_change_rewrites_table;
mod undo_breaks_head;
mod undo_fails;
mod unique_constraint_without_index;
mod unmodelled_statement;
pub(crate) mod unparsed_statement;
mod unseen_site;
mod volatile_default_rewrites_table;

pub use suppression::apply_suppressions;

/// What a rule is, as data: `explain` and the docs read it.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct RuleMeta {
    pub id: &'static str,
    /// What its findings are about: the policy reads it, never a list of ids.
    pub category: Category,
    /// The engines it applies to: the registry runs it only on these.
    pub dialects: &'static [Dialect],
    /// The severity its findings have unless the finding says otherwise.
    pub severity: Severity,
    /// One line.
    pub summary: &'static str,
    /// Markdown: why it matters, what it checks, what to do instead.
    pub explain: &'static str,
}

/// What a rule's findings are about: the policy (the rollback plan, the
/// verdict's wording) reads it, never a list of rule names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// N-1 does not work on the new schema: a code-only rollback breaks.
    OldRelease,
    /// N does not work on the new schema.
    NewRelease,
    /// An undo script that must not be run.
    Undo,
    /// The migration itself: locks, rewrites, statements the engine refuses.
    Hazard,
    /// What migsafe could not see or model.
    Coverage,
    /// The history and the suppressions themselves.
    Hygiene,
    /// Event payloads and JSON columns that N-1 and N must both read.
    Contract,
    /// A live database against the migrations (`verify`).
    Live,
}

impl Category {
    /// How the reference names it.
    pub fn describe(self) -> &'static str {
        match self {
            Category::OldRelease => "N-1 on the new schema",
            Category::NewRelease => "N on the new schema",
            Category::Undo => "undo scripts",
            Category::Hazard => "migration hazard",
            Category::Coverage => "coverage",
            Category::Hygiene => "hygiene",
            Category::Contract => "event and payload contracts",
            Category::Live => "the live database",
        }
    }
}

impl RuleMeta {
    /// "all engines", or the engines it applies to ("postgres").
    pub fn dialects_text(&self) -> String {
        if Dialect::ALL.iter().all(|d| self.dialects.contains(d)) {
            "all engines".to_string()
        } else {
            self.dialects.iter().map(|d| d.name()).collect::<Vec<_>>().join(", ")
        }
    }
}

/// A rule: its metadata and its check.
pub struct Rule {
    pub meta: &'static RuleMeta,
    pub check: Check,
}

/// How a rule's findings are made.
#[derive(Clone, Copy)]
pub enum Check {
    /// Its check runs over the two revisions.
    Each(fn(&Context, &mut Vec<Finding>)),
    /// Made by the suppression pass ([`apply_suppressions`]), which runs
    /// after every rule: these rules judge the allow comments themselves.
    Suppressions,
    /// Made by `cargo migsafe verify` from a live database ([`crate::live::drift`]): never by `check`.
    Live,
}

/// Run every rule of the registry that applies to the head's dialect.
pub(crate) fn run_all(cx: &Context, out: &mut Vec<Finding>) {
    let dialect = cx.head.history.schema.dialect;
    for rule in REGISTRY.iter().filter(|r| r.meta.dialects.contains(&dialect)) {
        if let Check::Each(check) = rule.check {
            check(cx, out);
        }
    }
}

/// Every rule, in the order they run.
pub static REGISTRY: &[Rule] = &[
    Rule { meta: &head_schema_mismatch::META, check: Check::Each(head_schema_mismatch::check) },
    Rule { meta: &dropped_column_in_use::META, check: Check::Each(dropped_column_in_use::check) },
    Rule { meta: &renamed_column_in_use::META, check: Check::Each(renamed_column_in_use::check) },
    Rule { meta: &dropped_table_in_use::META, check: Check::Each(dropped_table_in_use::check) },
    Rule { meta: &renamed_table_in_use::META, check: Check::Each(renamed_table_in_use::check) },
    Rule { meta: &column_type_changed::META, check: Check::Each(column_type_changed::check) },
    Rule { meta: &required_column_not_supplied::META, check: Check::Each(required_column_not_supplied::check) },
    Rule { meta: &column_now_nullable::META, check: Check::Each(column_now_nullable::check) },
    Rule { meta: &enum_value_not_decodable::META, check: Check::Each(enum_value_not_decodable::check) },
    Rule { meta: &undo_breaks_head::META, check: Check::Each(undo_breaks_head::check) },
    Rule { meta: &undo_fails::META, check: Check::Each(undo_fails::check) },
    Rule { meta: &unparsed_statement::META, check: Check::Each(unparsed_statement::check) },
    Rule { meta: &unmodelled_statement::META, check: Check::Each(unmodelled_statement::check) },
    Rule { meta: &unseen_site::META, check: Check::Each(unseen_site::check) },
    Rule { meta: &applied_migration_edited::META, check: Check::Each(applied_migration_edited::check) },
    Rule { meta: &index_without_concurrently::META, check: Check::Each(index_without_concurrently::check) },
    Rule { meta: &concurrently_in_transaction::META, check: Check::Each(concurrently_in_transaction::check) },
    Rule { meta: &type_change_rewrites_table::META, check: Check::Each(type_change_rewrites_table::check) },
    Rule { meta: &volatile_default_rewrites_table::META, check: Check::Each(volatile_default_rewrites_table::check) },
    Rule { meta: &set_not_null_scans_table::META, check: Check::Each(set_not_null_scans_table::check) },
    Rule { meta: &constraint_without_not_valid::META, check: Check::Each(constraint_without_not_valid::check) },
    Rule { meta: &unique_constraint_without_index::META, check: Check::Each(unique_constraint_without_index::check) },
    Rule { meta: &lock_without_timeout::META, check: Check::Each(lock_without_timeout::check) },
    Rule { meta: &backfill_in_ddl_transaction::META, check: Check::Each(backfill_in_ddl_transaction::check) },
    Rule { meta: &mysql_alter_copies_table::META, check: Check::Each(mysql_alter_copies_table::check) },
    Rule { meta: &sqlite_table_rebuild::META, check: Check::Each(sqlite_table_rebuild::check) },
    Rule { meta: &sqlite_alter_unsupported::META, check: Check::Each(sqlite_alter_unsupported::check) },
    Rule { meta: &contract_new_required_field::META, check: Check::Each(contract_new_required_field::check) },
    Rule { meta: &contract_required_field_dropped::META, check: Check::Each(contract_required_field_dropped::check) },
    Rule { meta: &contract_field_renamed::META, check: Check::Each(contract_field_renamed::check) },
    Rule { meta: &contract_type_changed::META, check: Check::Each(contract_type_changed::check) },
    Rule { meta: &contract_variant_not_decodable::META, check: Check::Each(contract_variant_not_decodable::check) },
    Rule { meta: &contract_unknown_field_denied::META, check: Check::Each(contract_unknown_field_denied::check) },
    Rule { meta: &contract_unseen_type::META, check: Check::Each(contract_unseen_type::check) },
    Rule { meta: &suppression::META_NO_REASON, check: Check::Suppressions },
    Rule { meta: &suppression::META_UNUSED, check: Check::Suppressions },
    Rule { meta: &schema_drift::META, check: Check::Live },
];

/// The category of rule `id`.
pub fn category(id: &str) -> Option<Category> {
    find(id).map(|r| r.meta.category)
}

/// The ids of the operational hazard rules (locks, rewrites, statements the
/// engine refuses) rather than N-1 / N compatibility.
pub fn hazard_rules() -> impl Iterator<Item = &'static str> {
    REGISTRY.iter().filter(|r| r.meta.category == Category::Hazard).map(|r| r.meta.id)
}

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
    let mut verbs: Vec<&str> = sites.iter().flat_map(|s| s.access.iter().map(|u| u.verb())).collect();
    verbs.sort();
    verbs.dedup();
    let places: Vec<String> = sites.iter().take(3).map(|s| format!("{}:{}", s.file, s.line)).collect();
    let more = if sites.len() > 3 { format!(" and {} more", sites.len() - 3) } else { String::new() };
    format!("{who} {} it ({}{more})", verbs.join(", "), places.join(", "))
}

pub(crate) fn base_label(cx: &Context) -> String {
    match &cx.base.sha {
        Some(s) => format!("N-1 ({})", crate::short_sha(s, 7)),
        None => "N-1".to_string(),
    }
}

pub(crate) fn any(_: crate::footprint::Access) -> bool {
    true
}

/// `name`, which a pending migration dropped or renamed away (`e`, described
/// by `done`, e.g. "drops table `t`"), names a relation again after all of them:
/// the table was rebuilt (SQLite's create / copy / drop / rename), re-created,
/// or a view stands in its place. N-1's uses of the name are then judged
/// against what is there now: a finding per column that no longer works for
/// N-1 (or for the relation, when N-1 writes to a view that takes no writes).
/// `None` when the name is gone.
pub(crate) fn judge_replacement(cx: &Context, meta: &'static RuleMeta, e: &Event, name: &str, done: &str) -> Option<Vec<Finding>> {
    use crate::check::Revision;
    use crate::footprint::{resolve_site, TableAccess};
    use std::collections::BTreeMap;
    let head = &cx.head.history.schema;
    let view = head.views.get(name);
    if !head.tables.contains_key(name) && view.is_none() {
        return None;
    }
    let stands = if view.is_some() { format!("the view now named `{name}`") } else { format!("the table now named `{name}`") };
    let base_enums: Vec<_> = cx.base_enums().into_iter().map(|(_, d)| d).collect();
    // Per column (None: the relation): the reasons and the sites.
    let mut broken: BTreeMap<Option<String>, (Vec<String>, Vec<SiteRef>)> = BTreeMap::new();
    for (site, before) in &cx.base_sites {
        let uses_it = before.tables.iter().any(|t| t.table == name) || before.columns.iter().any(|u| u.table == name);
        if !uses_it {
            continue;
        }
        // What this site of N-1 meets under the name now.
        let now = resolve_site(head, &site.decl, &base_enums);
        let at = |access: SiteUse| SiteRef::new(Revision::Base, &site.file, site.line, &site.item, access);
        // A column N-1's INSERT leaves out that is required now: required-column-not-supplied says so.
        let unsupplied = |c: &str| {
            head.column(name, c).is_some_and(|col| col.required()) && before.inserts.iter().any(|i| i.table == name && !i.columns.iter().any(|x| x == c))
        };
        // A problem N-1 already has on its own schema (a CREATE TABLE … AS
        // SELECT re-created as it was: its columns were nullable before too)
        // is not one this migration brings.
        let had = |p: &crate::footprint::Problem| before.problems.iter().any(|b| b.table == p.table && b.column == p.column && b.message == p.message);
        for p in now.problems.iter().filter(|p| p.table.as_deref() == Some(name) && !p.column.as_deref().is_some_and(unsupplied) && !had(p)) {
            let (reasons, sites) = broken.entry(p.column.clone()).or_default();
            if !reasons.contains(&p.message) {
                reasons.push(p.message.clone());
            }
            sites.push(at(SiteUse::Uses));
        }
        let writes = before.tables.iter().any(|t| t.table == name && t.access != TableAccess::Select)
            || before.columns.iter().any(|u| u.table == name && u.access.writes());
        if writes && view.is_some_and(|v| v.writes_to.is_none()) {
            let why = if head.dialect == crate::Dialect::Sqlite {
                format!("`{name}` is a view now, and SQLite views take no INSERT, UPDATE or DELETE")
            } else {
                format!("`{name}` is a view now, and not a simple one over one table that the database can write through")
            };
            let (reasons, sites) = broken.entry(None).or_default();
            if !reasons.contains(&why) {
                reasons.push(why);
            }
            sites.push(at(SiteUse::WritesTo));
        }
    }
    let who = base_label(cx);
    Some(
        broken
            .into_iter()
            .map(|(column, (reasons, mut sites))| {
                sites.dedup();
                let what = column.as_ref().map(|c| format!("`{name}.{c}`")).unwrap_or_else(|| format!("`{name}`"));
                Finding::new(meta, name, column.as_deref())
                    .at(e)
                    .message(format!(
                        "{}:{} {done}, and {stands} does not serve {what} as {}: {}",
                        e.at.file,
                        e.at.line,
                        describe_sites(&who, &sites),
                        reasons.join("; ")
                    ))
                    .help(format!(
                        "keep what N-1 uses of `{name}` in what replaces it (the columns it reads and writes, writable if it writes), or ship a release that no longer uses it first"
                    ))
                    .sites(sites)
            })
            .collect(),
    )
}

/// A column a pending migration dropped or renamed away that a later
/// statement adds again under the same name: `None` when it is gone after all
/// pending migrations; `Some(None)` when it is back with the type it had (N-1's
/// queries work on it; the data loss is the migration's classification);
/// `Some(Some(why))` when it is back as something else.
pub(crate) fn readded(cx: &Context, table: &str, column: &str) -> Option<Option<String>> {
    let now = cx.head.history.schema.column(table, column)?;
    let before = cx.base.history.schema.column(table, column)?;
    if now.ty.catalog == before.ty.catalog && now.ty.written.eq_ignore_ascii_case(&before.ty.written) {
        Some(None)
    } else {
        Some(Some(format!(
            "it is added again as `{}` (it was `{}`): N-1's queries find a column by that name, but its values and what fits in it changed",
            now.ty.display(),
            before.ty.display()
        )))
    }
}

/// The table holds rows: it exists in the schema before the pending migrations.
/// (A table created by the same change is empty: locks and rewrites on it are harmless.)
pub(crate) fn existed(cx: &Context, table: &str) -> bool {
    cx.base.history.schema.tables.contains_key(table)
}

/// The table holds rows when `e` runs: it existed before the change and no
/// pending statement before `e` created it afresh (dropped and re-created,
/// or a new copy renamed into place, is a new table: empty, or filled by a
/// transaction no one else sees yet).
pub(crate) fn existed_at(cx: &Context, table: &str, e: &Event) -> bool {
    use crate::schema::Change;
    if !existed(cx, table) {
        return false;
    }
    let mut created_here: Vec<&str> = Vec::new();
    for (_, p) in cx.pending_events() {
        if std::ptr::eq(p, e) {
            break;
        }
        match &p.change {
            Change::TableCreated { table: t } => created_here.push(t),
            Change::TableRenamed { from, to } if created_here.contains(&from.as_str()) => created_here.push(to),
            _ => {}
        }
    }
    !created_here.contains(&table)
}

/// Whether the up script of pending migration `idx` runs inside a transaction
/// when it reaches statement `stmt`, and why.
pub(crate) fn in_transaction(cx: &Context, idx: usize, stmt: usize) -> Option<InTransaction> {
    use crate::migrations::TxMode;
    use crate::schema::{Change, TxControl};
    let m = cx.migration(idx);
    // An explicit BEGIN earlier in the script, not yet committed.
    let mut open = false;
    for e in cx.head.history.events[idx].events.iter().filter(|e| e.statement_index < stmt) {
        match &e.change {
            Change::Transaction { control: TxControl::Begin } => open = true,
            Change::Transaction { control: TxControl::Commit | TxControl::Rollback } => open = false,
            _ => {}
        }
    }
    if open {
        return Some(InTransaction { certain: true, by: TxOpener::Script, why: format!("{} opens a transaction with BEGIN before it", m.up.path) });
    }
    let tool = |certain: bool, why: String| Some(InTransaction { certain, by: TxOpener::Tool, why });
    let events = &cx.head.history.events[idx].events;
    match m.transaction {
        TxMode::Outside => None,
        TxMode::Wrapped => tool(
            true,
            m.tool.def().wraps.into(),
        ),
        // One query: PostgreSQL wraps a query of several statements in an implicit transaction.
        TxMode::OneQuery => {
            let statements = events.iter().map(|e| e.statement_index + 1).max().unwrap_or(0);
            if statements < 2 {
                return None;
            }
            tool(true, format!("golang-migrate sends the file as one query, and PostgreSQL runs a query of {statements} statements in one implicit transaction"))
        }
        TxMode::OutsideWhenAllNeedIt if events.iter().all(|e| needs_no_transaction(&e.change)) => None,
        TxMode::OutsideWhenAllNeedIt => tool(true, "Flyway runs a migration in a transaction unless every statement in it must run outside one".into()),
        TxMode::Unknown => tool(
            false,
            "refinery runs each migration in a transaction (Flyway runs a CONCURRENTLY statement outside one only when it is alone in its migration; `tool = \"flyway\"` or `\"refinery\"` in the configuration says which)".into(),
        ),
    }
}

/// A statement that runs inside a transaction ([`in_transaction`]).
pub(crate) struct InTransaction {
    /// False where the tool's opt-out lives outside the script (diesel's
    /// `metadata.toml`, dbmate's `-- migrate:up transaction:false`) or the
    /// layout is shared by tools that differ (refinery wraps, Flyway does not
    /// for CONCURRENTLY).
    pub certain: bool,
    pub by: TxOpener,
    /// Said in the finding.
    pub why: String,
}

/// Who opened the transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TxOpener {
    /// A `BEGIN` earlier in the script.
    Script,
    /// The migration tool, around the whole migration.
    Tool,
}

/// A change a migration of only such changes can run outside a transaction with.
pub(crate) fn needs_no_transaction(c: &crate::schema::Change) -> bool {
    use crate::schema::Change;
    matches!(
        c,
        Change::IndexCreated { concurrently: true, .. }
            | Change::IndexDropped { concurrently: true, .. }
            | Change::NoSchemaEffect { .. }
            | Change::Setting { .. }
    )
}

/// A `SET lock_timeout` runs in the same script before statement `stmt` of pending migration `idx`.
pub(crate) fn lock_timeout_before(cx: &Context, idx: usize, stmt: usize) -> bool {
    use crate::schema::Change;
    cx.head.history.events[idx]
        .events
        .iter()
        .any(|e| e.statement_index < stmt && matches!(&e.change, Change::Setting { setting: crate::schema::Setting::LockTimeout }))
}

/// The statement's first line, for messages.
pub(crate) fn first_line(e: &Event) -> &str {
    e.statement.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with("--")).unwrap_or("").trim_end_matches(';')
}

#[cfg(test)]
pub(crate) mod testing;

#[cfg(test)]
mod tests {
    use super::*;

    /// Rules match what the model recorded (typed events), never SQL text:
    /// `Event.statement` is read only to render a finding (its first line,
    /// its body in safe SQL), in the two helpers allowed here.
    #[test]
    fn no_rule_reads_the_statement_text_to_decide() {
        const RENDERING: &[&str] = &["pub(crate) fn first_line(", "fn statement_body("];
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/rules");
        let mut offenders = Vec::new();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            let mut in_helper = false;
            for (n, line) in text.lines().take_while(|l| *l != "#[cfg(test)]").enumerate() {
                if RENDERING.iter().any(|h| line.trim_start().starts_with(h)) {
                    in_helper = true;
                }
                let reads = line.replace("statement_index", "").contains(".statement");
                if reads && !in_helper && !line.trim_start().starts_with("//") {
                    offenders.push(format!("{}:{}: {}", path.file_name().unwrap().to_string_lossy(), n + 1, line.trim()));
                }
                if in_helper && line == "}" {
                    in_helper = false;
                }
            }
        }
        assert!(offenders.is_empty(), "rules reading Event.statement (match a typed Change instead):\n{}", offenders.join("\n"));
    }

    #[test]
    fn registry_ids_are_unique_kebab_case_and_documented() {
        let mut ids: Vec<&str> = REGISTRY.iter().map(|r| r.meta.id).collect();
        for id in &ids {
            assert!(id.chars().all(|c| c.is_ascii_lowercase() || c == '-'), "{id}");
        }
        for r in REGISTRY {
            assert!(!r.meta.summary.is_empty() && r.meta.explain.len() > 80, "{} needs docs", r.meta.id);
            assert!(
                r.meta.explain.contains("instead") || r.meta.explain.contains("Instead") || r.meta.explain.contains("To fix"),
                "{} must say what to do instead",
                r.meta.id
            );
        }
        let n = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), n, "duplicate rule id");
        // The contract names this rule id in its JSON example.
        assert!(find("dropped-column-in-use").is_some());
    }

    #[test]
    fn every_rule_says_its_engines_and_only_the_suppression_rules_have_no_check() {
        for r in REGISTRY {
            assert!(!r.meta.dialects.is_empty(), "{} applies to no engine", r.meta.id);
            let from_suppressions = matches!(r.check, Check::Suppressions);
            assert_eq!(from_suppressions, r.meta.id.contains("suppression"), "{}", r.meta.id);
        }
    }

    #[test]
    fn a_rule_runs_only_on_its_engines() {
        // index-without-concurrently is PostgreSQL's: the same migration on MySQL and SQLite is quiet.
        let v1 = ("V1__t.sql", "CREATE TABLE t (id INT PRIMARY KEY, s TEXT);");
        let v2 = ("V2__i.sql", "CREATE INDEX t_s ON t (s);");
        assert_eq!(find("index-without-concurrently").unwrap().meta.dialects, &[Dialect::Postgres]);
        let fired = |d| testing::run(d, (&[v1], ""), (&[v1, v2], "")).findings.iter().any(|f| f.rule == "index-without-concurrently");
        assert!(fired(Dialect::Postgres));
        assert!(!fired(Dialect::Mysql));
        assert!(!fired(Dialect::Sqlite));
    }

    #[test]
    fn every_rule_file_is_registered() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/rules");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|f| f.ends_with(".rs") && !["mod.rs", "suppression.rs", "testing.rs"].contains(&f.as_str()))
            .map(|f| f.trim_end_matches(".rs").replace('_', "-"))
            .collect();
        files.sort();
        for f in files {
            assert!(find(&f).is_some(), "rules/{f}.rs is not in the registry (or its id differs from its file name)");
        }
    }
}
