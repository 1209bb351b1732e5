//! Comparing two revisions: the input, the context rules read, and the report.
//!
//! [`check`] resolves both revisions' footprints, finds the pending
//! migrations, applies their undo scripts to the new schema, runs every rule
//! of the [`crate::rules`] registry and classifies each pending migration.

use crate::annotations::{Decl, EnumDecl, Site};
use crate::diag::{Diagnostic, Severity};
use crate::footprint::{resolve_site, Access, ResolvedSite};
use crate::migrations::{Migration, Script};
use crate::rules::{self, Finding};
use crate::schema::{apply_script, Change, Event, History};
use serde::Serialize;

/// One revision's migrations (already applied) and annotated sites.
#[derive(Debug, Clone)]
pub struct RevisionInput {
    /// The commit, when the revision is one (`None` for the working tree).
    pub sha: Option<String>,
    pub history: History,
    pub sites: Vec<Site>,
    /// The event and payload contracts its code declares ([`crate::contract::read_crate`]).
    pub contracts: Vec<crate::contract::Contract>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Revision {
    Base,
    Head,
}

/// A code site that makes a finding a problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SiteRef {
    pub revision: Revision,
    pub file: String,
    pub line: u32,
    pub item: String,
    /// How the site touches the table or column, each way once, in order
    /// (`reads, filters on`).
    pub access: Vec<SiteUse>,
}

/// One way a site touches what a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum SiteUse {
    /// A column access of its SQL or its declaration.
    Column(Access),
    /// The table, as a whole (a `SELECT *`, a join).
    Uses,
    /// Writes to the table (an INSERT, UPDATE or DELETE on it).
    WritesTo,
    /// A declaration of N that names it (an annotation, a struct).
    Declares,
    /// A struct or enum that decodes its values.
    Decodes,
    /// A Rust enum whose variants N may write.
    MayWrite,
    /// SQL that compares with or writes one of its values as a literal.
    UsesTheLiteral,
    /// A database call whose SQL migsafe cannot read.
    RunsUnreadableSql,
}

impl SiteUse {
    pub fn verb(self) -> &'static str {
        match self {
            SiteUse::Column(a) => a.verb(),
            SiteUse::Uses => "uses",
            SiteUse::WritesTo => "writes to",
            SiteUse::Declares => "declares",
            SiteUse::Decodes => "decodes",
            SiteUse::MayWrite => "may write",
            SiteUse::UsesTheLiteral => "uses the literal",
            SiteUse::RunsUnreadableSql => "runs SQL migsafe cannot read",
        }
    }
}

impl SiteRef {
    /// A site touching what a finding is about in one way.
    pub fn new(revision: Revision, file: &str, line: u32, item: &str, access: SiteUse) -> SiteRef {
        SiteRef { revision, file: file.to_string(), line, item: item.to_string(), access: vec![access] }
    }

    /// "reads, filters on".
    pub fn access_text(&self) -> String {
        self.access.iter().map(|u| u.verb()).collect::<Vec<_>>().join(", ")
    }
}

/// A pending migration's undo script and what applying it would do.
#[derive(Debug, Clone)]
pub struct Undo {
    pub migration: usize,
    pub script: Script,
    pub events: Vec<Event>,
    /// What applying it to the new schema found wrong (a table or column it
    /// names is not there, a statement does not parse): it would fail there.
    pub diagnostics: Vec<Diagnostic>,
}

impl Undo {
    /// The undo's diagnostics other than the statements that do not parse
    /// (those are `Change::Unparsed` events): why it would fail on the new schema.
    pub fn failures(&self) -> impl Iterator<Item = &Diagnostic> + '_ {
        let unparsed: Vec<&crate::diag::Location> = self
            .events
            .iter()
            .filter_map(|e| match &e.change {
                Change::Unparsed { error_at, .. } => Some(error_at),
                _ => None,
            })
            .collect();
        self.diagnostics.iter().filter(move |d| !unparsed.contains(&&d.location))
    }
}

/// Everything the rules look at.
pub struct Context<'a> {
    pub base: &'a RevisionInput,
    pub head: &'a RevisionInput,
    /// Base (N-1) sites resolved against the base schema: what N-1 touches.
    pub base_sites: Vec<(&'a Site, ResolvedSite)>,
    /// Head (N) sites resolved against the new schema.
    pub head_sites: Vec<(&'a Site, ResolvedSite)>,
    /// Indices into `head.history.migrations` of migrations the base does not have.
    pub pending: Vec<usize>,
    /// Applied migrations whose text changed: (base index, head index).
    pub edited: Vec<(usize, usize)>,
    /// Applied migrations the head no longer has (base index).
    pub removed: Vec<usize>,
    /// Undo scripts of pending migrations, applied in reverse order to the new schema.
    pub undos: Vec<Undo>,
}

impl<'a> Context<'a> {
    pub fn migration(&self, idx: usize) -> &'a Migration {
        &self.head.history.migrations[idx]
    }

    /// Events of the pending migrations' up scripts, in order.
    pub fn pending_events(&self) -> impl Iterator<Item = (usize, &'a Event)> + '_ {
        self.pending.iter().flat_map(move |&i| self.head.history.events[i].events.iter().map(move |e| (i, e)))
    }

    fn sites_in(sites: &[(&'a Site, ResolvedSite)], rev: Revision, table: &str, column: Option<&str>, filter: impl Fn(Access) -> bool) -> Vec<SiteRef> {
        let mut out: Vec<SiteRef> = Vec::new();
        for (site, res) in sites {
            let mut accesses: Vec<Access> =
                res.columns.iter().filter(|u| u.table == table && column.is_none_or(|c| u.column == c) && filter(u.access)).map(|u| u.access).collect();
            if column.is_none() && res.tables.iter().any(|t| t.table == table) && accesses.is_empty() && filter(Access::Read) {
                accesses.push(Access::Read);
            }
            accesses.sort();
            accesses.dedup();
            if accesses.is_empty() {
                continue;
            }
            let access = accesses.into_iter().map(SiteUse::Column).collect();
            out.push(SiteRef { revision: rev, file: site.file.clone(), line: site.line, item: site.item.clone(), access });
        }
        out
    }

    /// N-1's sites that touch `table.column` (or the table, with `None`) in a way `filter` accepts.
    pub fn base_sites_touching(&self, table: &str, column: Option<&str>, filter: impl Fn(Access) -> bool) -> Vec<SiteRef> {
        Self::sites_in(&self.base_sites, Revision::Base, table, column, filter)
    }

    pub fn head_sites_touching(&self, table: &str, column: Option<&str>, filter: impl Fn(Access) -> bool) -> Vec<SiteRef> {
        Self::sites_in(&self.head_sites, Revision::Head, table, column, filter)
    }

    pub fn base_enums(&self) -> Vec<(&'a Site, &'a EnumDecl)> {
        enums(&self.base.sites)
    }

    pub fn head_enums(&self) -> Vec<(&'a Site, &'a EnumDecl)> {
        enums(&self.head.sites)
    }
}

fn enums(sites: &[Site]) -> Vec<(&Site, &EnumDecl)> {
    sites
        .iter()
        .filter_map(|s| match &s.decl {
            Decl::SqlEnum(e) => Some((s, e)),
            _ => None,
        })
        .collect()
}

/// How a pending migration can be undone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reversibility {
    Reversible,
    ReversibleWithDataLoss,
    Irreversible,
}

#[derive(Debug, Clone, Serialize)]
pub struct MigrationClass {
    pub file: String,
    pub down: Option<String>,
    pub class: Reversibility,
    pub reasons: Vec<String>,
}

/// The outcome of a check.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub findings: Vec<Finding>,
    pub pending: Vec<String>,
    pub migrations: Vec<MigrationClass>,
    pub summary: Summary,
    pub coverage: Coverage,
    /// What `--deny` makes fail ([`Report::apply`] sets it).
    pub deny: crate::policy::Deny,
}

/// What each revision's code showed migsafe: the sites it read, by source,
/// and the database calls whose SQL it could not read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Coverage {
    pub base: RevisionCoverage,
    pub head: RevisionCoverage,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RevisionCoverage {
    pub seen: usize,
    pub unseen: usize,
    /// Seen sites per source (`sqlx`, `diesel`, `annotation`, …).
    pub by_source: std::collections::BTreeMap<crate::sources::SourceId, usize>,
}

impl RevisionCoverage {
    pub fn of(sites: &[Site]) -> Self {
        let mut c = RevisionCoverage::default();
        for s in sites {
            if matches!(s.decl, Decl::Unseen(_)) {
                c.unseen += 1;
            } else {
                c.seen += 1;
                *c.by_source.entry(s.source).or_default() += 1;
            }
        }
        c
    }

    pub fn add(&mut self, o: &RevisionCoverage) {
        self.seen += o.seen;
        self.unseen += o.unseen;
        for (k, v) in &o.by_source {
            *self.by_source.entry(*k).or_default() += v;
        }
    }
}

/// What a check concludes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Both releases work on the new schema, for everything both show.
    Safe,
    /// No error, but code migsafe cannot read (or N-1 shows none): not proven.
    Unproven,
    /// An error-level finding (or, with `--deny warnings`, a warning).
    Unsafe,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Safe => "safe",
            Verdict::Unproven => "unproven",
            Verdict::Unsafe => "unsafe",
        }
    }
}

/// Whether rolling back the code alone (keeping the new schema) is safe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CodeRollback {
    /// N-1 works on the new schema, for everything it shows.
    Safe,
    /// N-1 works on the new schema for what migsafe reads, but not all of its code was read.
    Unproven,
    /// An error of an old-release rule: N-1 breaks on the new schema.
    Breaks,
}

/// What was proven, for the summary line.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub base_queries: usize,
    pub base_structs: usize,
    pub base_enums: usize,
    pub base_touches: usize,
    pub base_columns: usize,
    pub head_sites: usize,
    pub pending: usize,
}

impl Report {
    pub fn errors(&self) -> usize {
        self.findings.iter().filter(|f| f.severity == Severity::Error).count()
    }
    pub fn warnings(&self) -> usize {
        self.findings.iter().filter(|f| f.severity == Severity::Warning).count()
    }

    /// An error of an old-release rule: N-1 breaks on the new schema, so
    /// rolling back the code alone is not safe.
    pub fn old_release_breaks(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Error && crate::rules::category(f.rule) == Some(crate::rules::Category::OldRelease))
    }

    /// The statements of pending up-migrations the parser could not read (and
    /// no allow comment excused): nothing about them is proven. Undo scripts'
    /// are left out: they are not what the database will run on a deploy.
    pub fn unreadable_pending(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| {
            f.rule == crate::rules::unparsed_statement::META.id
                && f.severity == Severity::Error
                && f.migration.as_ref().is_some_and(|m| self.pending.contains(&m.file))
        })
    }

    /// (An unseen site, or N-1 showing no database access while migrations are pending.)
    fn unseen_database_code(&self) -> bool {
        self.findings.iter().any(|f| f.rule == "unseen-site") || (self.coverage.base.seen == 0 && !self.pending.is_empty())
    }

    /// Not everything is proven: unseen database code, or a type of an
    /// event or JSON payload whose serde form migsafe cannot read.
    pub fn unproven(&self) -> bool {
        self.unseen_database_code() || self.findings.iter().any(|f| f.rule == crate::rules::CONTRACT_UNSEEN_TYPE.id)
    }

    /// Apply a policy: drop the findings of allowed rules, and record what
    /// `--deny` makes fail. Idempotent, so a merged report can be re-judged.
    pub fn apply(&mut self, policy: &crate::policy::Policy) {
        self.findings.retain(|f| policy.reports(f.rule));
        self.deny = policy.deny;
    }

    /// The verdict, under the policy applied: an error, or with `--deny
    /// warnings` a warning, is unsafe; then code migsafe could not read is
    /// unproven.
    pub fn verdict(&self) -> Verdict {
        if self.errors() > 0 || (self.deny.warnings && self.warnings() > 0) {
            Verdict::Unsafe
        } else if self.unproven() {
            Verdict::Unproven
        } else {
            Verdict::Safe
        }
    }

    /// Exactly when the check fails (exit 1): an unsafe verdict, or with
    /// `--deny unseen` an unproven one.
    pub fn fails(&self) -> bool {
        match self.verdict() {
            Verdict::Unsafe => true,
            Verdict::Unproven => self.deny.unseen,
            Verdict::Safe => false,
        }
    }

    /// The rollback plan's first line: can the code alone be rolled back?
    /// Only old-release rules decide it (a finding about N, or a lock the
    /// migration takes, does not make N-1 break).
    pub fn code_rollback(&self) -> CodeRollback {
        if self.old_release_breaks() {
            CodeRollback::Breaks
        } else if self.unseen_database_code() {
            CodeRollback::Unproven
        } else {
            CodeRollback::Safe
        }
    }
}

/// Run every rule over the two revisions, under `policy`.
pub fn check_with(base: &RevisionInput, head: &RevisionInput, policy: &crate::policy::Policy) -> Report {
    let mut report = check(base, head);
    report.apply(policy);
    report
}

/// Run every rule over the two revisions (no rule allowed, nothing denied).
pub fn check(base: &RevisionInput, head: &RevisionInput) -> Report {
    let base_enums: Vec<&EnumDecl> = enums(&base.sites).into_iter().map(|(_, e)| e).collect();
    let head_enums: Vec<&EnumDecl> = enums(&head.sites).into_iter().map(|(_, e)| e).collect();
    // Tables the code creates itself at run time (temporary tables, work tables) exist for its queries too.
    let base_schema = with_code_ddl(&base.history.schema, &base.sites);
    let head_schema = with_code_ddl(&head.history.schema, &head.sites);
    let base_schema = base_schema.as_ref().unwrap_or(&base.history.schema);
    let head_schema = head_schema.as_ref().unwrap_or(&head.history.schema);
    let base_sites = base.sites.iter().map(|s| (s, resolve_site(base_schema, &s.decl, &base_enums))).collect();
    let head_sites = head.sites.iter().map(|s| (s, resolve_site(head_schema, &s.decl, &head_enums))).collect();

    let mut pending = Vec::new();
    let mut edited = Vec::new();
    for (hi, hm) in head.history.migrations.iter().enumerate() {
        match base.history.migrations.iter().position(|bm| bm.id == hm.id) {
            None => pending.push(hi),
            Some(bi) => {
                if normalize_text(&base.history.migrations[bi].up.text) != normalize_text(&hm.up.text) {
                    edited.push((bi, hi));
                }
            }
        }
    }
    let removed = (0..base.history.migrations.len()).filter(|&bi| !head.history.migrations.iter().any(|hm| hm.id == base.history.migrations[bi].id)).collect();

    // Undo scripts run newest first, on the schema the pending migrations built.
    let mut schema = head.history.schema.clone();
    let mut undos = Vec::new();
    for &i in pending.iter().rev() {
        if let Some(down) = &head.history.migrations[i].down {
            let (events, diagnostics) = apply_script(&mut schema, down);
            undos.push(Undo { migration: i, script: down.clone(), events, diagnostics });
        }
    }

    let cx = Context { base, head, base_sites, head_sites, pending, edited, removed, undos };
    let mut findings = Vec::new();
    rules::run_all(&cx, &mut findings);
    note_unparsed(&cx, &mut findings);
    rules::apply_suppressions(&cx, &mut findings);
    findings.sort_by(|a, b| {
        b.severity.cmp(&a.severity).then_with(|| a.migration.cmp(&b.migration)).then_with(|| a.table.cmp(&b.table)).then_with(|| a.column.cmp(&b.column))
    });

    let migrations = cx.pending.iter().map(|&i| classify(&cx, i)).collect();
    let count = |f: fn(&Decl) -> bool| base.sites.iter().filter(|s| f(&s.decl)).count();
    let mut cols: Vec<(&str, &str)> = cx.base_sites.iter().flat_map(|(_, r)| r.columns.iter().map(|u| (u.table.as_str(), u.column.as_str()))).collect();
    cols.sort();
    cols.dedup();
    let summary = Summary {
        base_queries: count(|d| matches!(d, Decl::Query(_))),
        base_structs: count(|d| matches!(d, Decl::Table(_))),
        base_enums: count(|d| matches!(d, Decl::SqlEnum(_))),
        base_touches: count(|d| matches!(d, Decl::Touches(_))),
        base_columns: cols.len(),
        head_sites: head.sites.len(),
        pending: cx.pending.len(),
    };
    let coverage = Coverage { base: RevisionCoverage::of(&base.sites), head: RevisionCoverage::of(&head.sites) };
    Report { findings, pending: cx.pending.iter().map(|&i| cx.migration(i).up.path.clone()).collect(), migrations, summary, coverage, deny: Default::default() }
}

/// `schema` with the tables and views the code's own SQL creates (`CREATE
/// TEMPORARY TABLE …` run through sqlx or a driver), when it creates any.
fn with_code_ddl(schema: &crate::schema::Schema, sites: &[Site]) -> Option<crate::schema::Schema> {
    let ddl: Vec<&Site> = sites
        .iter()
        .filter(|s| match &s.decl {
            Decl::Query(q) => {
                let head: String = q.sql.trim_start().chars().take(64).collect::<String>().to_ascii_uppercase();
                head.starts_with("CREATE") && (head.contains("TABLE") || head.contains("VIEW"))
            }
            _ => false,
        })
        .collect();
    if ddl.is_empty() {
        return None;
    }
    let mut out = schema.clone();
    for site in ddl {
        if let Decl::Query(q) = &site.decl {
            let script = Script { path: site.file.clone(), text: q.sql.clone(), first_line: site.line };
            let _ = apply_script(&mut out, &script);
        }
    }
    Some(out)
}

fn normalize_text(s: &str) -> String {
    s.replace("\r\n", "\n").trim().to_string()
}

/// Reversible, reversible with data loss, or irreversible, and why.
fn classify(cx: &Context, idx: usize) -> MigrationClass {
    let m = cx.migration(idx);
    let mut reasons = Vec::new();
    let mut irreversible = false;
    for e in cx.head.history.events[idx].events.iter() {
        let line = e.at.line;
        let reason = match &e.change {
            Change::ColumnDropped { table, column } => Some(format!("line {line}: dropping `{table}.{column}` destroys its data")),
            Change::TableDropped { table } => Some(format!("line {line}: dropping `{table}` destroys its rows")),
            Change::ColumnTypeChanged { table, column, from, to, .. } if !from.widens_to(to) => {
                Some(format!("line {line}: `{table}.{column}` narrows from `{}` to `{}`: values may be cut or rejected", from.display(), to.display()))
            }
            Change::EnumValueAdded { ty, value } if cx.head.history.schema.dialect == crate::Dialect::Postgres => {
                Some(format!("line {line}: PostgreSQL cannot remove the value '{value}' from `{ty}` once added"))
            }
            Change::Unparsed { .. } => Some(format!("line {line}: does not parse, so what it changes, and whether that can be undone, is unknown")),
            Change::DataChange { table, verb, .. } if *verb != crate::schema::DataVerb::Insert => Some(
                format!("line {line}: the {verb:?} on `{table}` overwrites data that no undo can restore")
                    .replace("Update", "UPDATE")
                    .replace("Delete", "DELETE")
                    .replace("Truncate", "TRUNCATE"),
            ),
            _ => None,
        };
        if let Some(r) = reason {
            irreversible = true;
            reasons.push(r);
        }
    }
    let undo = cx.undos.iter().find(|u| u.migration == idx);
    let mut lossy_undo = false;
    match undo {
        None => {
            irreversible = true;
            reasons.push("no down / undo script ships with it".to_string());
        }
        Some(u) => {
            for e in &u.events {
                if let Change::Unparsed { message, .. } = &e.change {
                    irreversible = true;
                    reasons
                        .push(format!("{}:{}: the undo does not parse ({message}): running it fails, or does what migsafe cannot see", e.at.file, e.at.line));
                }
            }
            for d in u.failures() {
                irreversible = true;
                reasons.push(format!("{}:{}: the undo would fail on the new schema: {}", d.location.file, d.location.line, d.message));
            }
            for e in &u.events {
                match &e.change {
                    Change::ColumnDropped { table, column } => {
                        lossy_undo = true;
                        reasons.push(format!("{}:{}: the undo drops `{table}.{column}` and what was written to it", e.at.file, e.at.line));
                    }
                    Change::TableDropped { table } => {
                        lossy_undo = true;
                        reasons.push(format!("{}:{}: the undo drops `{table}` and its rows", e.at.file, e.at.line));
                    }
                    _ => {}
                }
            }
        }
    }
    let class = if irreversible {
        Reversibility::Irreversible
    } else if lossy_undo {
        Reversibility::ReversibleWithDataLoss
    } else {
        Reversibility::Reversible
    };
    MigrationClass { file: m.up.path.clone(), down: undo.map(|u| u.script.path.clone()), class, reasons }
}

/// A finding about a table that a statement the parser could not read names
/// (in an applied or a pending migration) says so: that statement may have
/// changed the table in ways the finding does not account for. (Findings
/// built from a site's problems already carry the note.)
fn note_unparsed(cx: &Context, findings: &mut [Finding]) {
    let schema = &cx.head.history.schema;
    if schema.unread.is_empty() {
        return;
    }
    for f in findings.iter_mut().filter(|f| !f.table.is_empty() && f.rule != "unparsed-statement" && f.rule != "unmodelled-statement") {
        let note = schema.unread_note(&f.table);
        if !note.is_empty() && !f.message.contains(&note) {
            f.message.push_str(&note);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{compat_keys, run};
    use crate::Dialect;

    #[test]
    fn tables_the_code_creates_at_run_time_are_known_to_its_queries() {
        let v1 = ("V1__t.sql", "CREATE TABLE users (id INT PRIMARY KEY, name TEXT);");
        let code = r#"async fn f(p: &sqlx::PgPool) {
            sqlx::query("CREATE TEMPORARY TABLE staged_users (id INT, name TEXT)").execute(p).await;
            sqlx::query("INSERT INTO users (id, name) SELECT id, name FROM staged_users").execute(p).await;
        }"#;
        let r = run(Dialect::Postgres, (&[v1], code), (&[v1, ("V2__x.sql", "ALTER TABLE users ADD COLUMN bio TEXT;")], code));
        assert!(compat_keys(&r).is_empty(), "{:?}", compat_keys(&r));
        // Without the CREATE, a query N adds names a table no migration makes: said (a warning).
        let code = r#"async fn f(p: &sqlx::PgPool) { sqlx::query("INSERT INTO users (id, name) SELECT id, name FROM staged_users").execute(p).await; }"#;
        let r = run(Dialect::Postgres, (&[v1], ""), (&[v1, ("V2__x.sql", "ALTER TABLE users ADD COLUMN bio TEXT;")], code));
        assert_eq!(compat_keys(&r), ["head-schema-mismatch warning staged_users."]);
    }
}
