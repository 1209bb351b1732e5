//! Issue 9: every acceptance scenario's verdict, proven on the real database.
//!
//! For each scenario of `tests/scenarios` both revisions are loaded from disk
//! the way `cargo migsafe check` loads them from git, and checked. Then the
//! head's migrations are applied, in the order the migration tool runs them,
//! to a scratch database: the schema N-1 meets once the pending migrations
//! ran. Every statement N-1 sends is PREPAREd there (the server resolves each
//! table and column then), and migsafe's verdict must agree:
//!
//! * a `dropped-`/`renamed-column-in-use` or `-table-in-use` error: one of
//!   the finding's N-1 sites no longer PREPAREs, and the database names the
//!   column (table);
//! * a `required-column-not-supplied` error: N-1's INSERT, EXECUTEd with
//!   plausible values in a transaction that is rolled back, is rejected for
//!   that column;
//! * every N-1 statement that fails is a site of some error finding (so a
//!   report without errors means every statement PREPAREs).
//!
//! Findings about decoding (enum values, nullability, types) cannot be shown
//! by PREPARE; they are listed as such and not asserted on. As a control,
//! every N-1 statement is also PREPAREd on N-1's own schema (the base
//! migrations only): one that fails there says nothing about the migration.

mod common;

use common::{reachable, Param, Scratch};
use migsafe_core::annotations::{Decl, Role, RowShape, Site};
use migsafe_core::check::{check, Revision, RevisionInput};
use migsafe_core::config::{read_manifest, resolve, Declared};
use migsafe_core::ident::annotation_name;
use migsafe_core::schema::{analyze, Family, Schema};
use migsafe_core::sources::{scan_crate, CrateInfo, Files, SourceId};
use migsafe_core::{Dialect, Severity};
use migsafe_fidelity::read_source;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

/// A line of a scenario's log (scenarios run in parallel; each log is printed whole).
macro_rules! say {
    ($log:expr, $($arg:tt)*) => {{
        use std::fmt::Write as _;
        let _ = writeln!($log, $($arg)*);
    }};
}

/// Fewer proven scenarios than this means the test proves next to nothing.
const MIN_PROVEN: usize = 30;

/// Rules whose errors a failing PREPARE proves.
const PREPARE_RULES: &[&str] = &["dropped-column-in-use", "renamed-column-in-use", "dropped-table-in-use", "renamed-table-in-use"];
const REQUIRED_RULE: &str = "required-column-not-supplied";

/// `$MIGSAFE_SCENARIOS`, else the workspace's `tests/scenarios`.
fn scenarios_dir() -> PathBuf {
    match std::env::var_os("MIGSAFE_SCENARIOS") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios"),
    }
}

#[test]
fn scenario_verdicts_hold_on_the_real_databases() {
    let started = Instant::now();
    for dialect in [Dialect::Postgres, Dialect::Mysql] {
        if let Err(e) = reachable(dialect) {
            // CI starts both servers: there, an unreachable one is a failure, not a skip.
            assert!(std::env::var_os("CI").is_none(), "CI is set but the database server is unreachable: {e}");
            println!("database server unreachable, skipping the scenario proofs: {e}");
            return;
        }
    }
    let dir = scenarios_dir();
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("base").is_dir() && e.path().join("head").is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();

    // A few scenarios at a time: creating the scratch databases is most of the time.
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<Proof, String>>>> = Mutex::new(names.iter().map(|_| None).collect());
    let workers = std::thread::available_parallelism().map_or(4, |n| n.get()).min(8);
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(name) = names.get(i) else { break };
                let outcome = prove(&dir.join(name));
                results.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(outcome);
            });
        }
    });
    let mut rows = Vec::new();
    let mut skipped = Vec::new();
    for (name, outcome) in names.iter().zip(results.into_inner().unwrap_or_else(|e| e.into_inner())) {
        match outcome.expect("every scenario ran") {
            Ok(p) => {
                println!("{}", p.log);
                rows.push((name.clone(), p));
            }
            Err(reason) => {
                println!("skipped {name}: {reason}\n");
                skipped.push((name.clone(), reason));
            }
        }
    }

    println!("{:<38} {:<8} {:>9} {:>9} {:>8}  agreement", "scenario", "dialect", "N-1 stmts", "failed", "errors");
    for (name, p) in &rows {
        let agreement = if !p.disagreements.is_empty() {
            "NO".to_string()
        } else if p.not_proven.is_empty() {
            "yes".to_string()
        } else {
            format!("yes ({} not proven by PREPARE)", p.not_proven.len())
        };
        println!("{name:<38} {:<8} {:>9} {:>9} {:>8}  {agreement}", p.dialect.name(), p.statements, p.failed, p.errors);
    }
    let not_proven: Vec<String> = rows.iter().flat_map(|(n, p)| p.not_proven.iter().map(move |x| format!("{n}: {x}"))).collect();
    let unusable: Vec<String> = rows.iter().flat_map(|(n, p)| p.control_failures.iter().map(move |x| format!("{n}: {x}"))).collect();
    let disagreements: Vec<String> = rows.iter().flat_map(|(n, p)| p.disagreements.iter().map(move |x| format!("{n}: {x}"))).collect();
    println!();
    println!(
        "{} scenarios proven, {} skipped, {} findings not proven by PREPARE, {} N-1 statements that fail on N-1's own schema, {} disagreements ({:.1}s)",
        rows.len(),
        skipped.len(),
        not_proven.len(),
        unusable.len(),
        disagreements.len(),
        started.elapsed().as_secs_f64()
    );
    for x in &not_proven {
        println!("  not proven by PREPARE: {x}");
    }
    for x in &unusable {
        println!("  control: {x}");
    }
    for x in &disagreements {
        println!("  DISAGREEMENT: {x}");
    }
    assert!(
        unusable.is_empty(),
        "{} N-1 statement(s) do not PREPARE on N-1's own schema: this test does not send what the library sends (or the scenario's N-1 never worked):\n  {}",
        unusable.len(),
        unusable.join("\n  ")
    );
    assert!(disagreements.is_empty(), "{} disagreement(s) between migsafe and the real database:\n  {}", disagreements.len(), disagreements.join("\n  "));
    assert!(rows.len() >= MIN_PROVEN, "only {} scenarios could be proven (at least {MIN_PROVEN} expected); skipped: {skipped:#?}", rows.len());
}

/// What one scenario came to.
struct Proof {
    dialect: Dialect,
    /// N-1 statements PREPAREd.
    statements: usize,
    /// Of those, how many the new schema rejects.
    failed: usize,
    /// Error findings of the report.
    errors: usize,
    /// Findings PREPARE cannot prove (`<rule> <table.column>: why`).
    not_proven: Vec<String>,
    /// N-1 statements that do not PREPARE even on N-1's own schema.
    control_failures: Vec<String>,
    disagreements: Vec<String>,
    /// What was done, for the test's output.
    log: String,
}

fn prove(dir: &Path) -> Result<Proof, String> {
    let head_layout = layout(&dir.join("head"), None)?;
    let dialect = head_layout.dialect;
    let base_layout = layout(&dir.join("base"), Some(dialect))?;
    let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut log = format!("== {name} ({dialect}, migrations {} via {})\n", head_layout.migrations, head_layout.found_by);
    let head = load(&dir.join("head"), &head_layout, &mut log).map_err(|e| format!("head: {e}"))?;
    let base = load(&dir.join("base"), &base_layout, &mut log).map_err(|e| format!("base: {e}"))?;
    let report = check(&base, &head);

    // The schema N-1 meets (all of the head's migrations) and, as the
    // control, N-1's own (the base's migrations).
    let mut new_db = Scratch::new(dialect);
    let mut old_db = Scratch::new(dialect);
    let mut proof = Proof {
        dialect,
        statements: 0,
        failed: 0,
        errors: 0,
        not_proven: Vec::new(),
        control_failures: Vec::new(),
        disagreements: Vec::new(),
        log: String::new(),
    };
    for (db, input, what) in [(&mut new_db, &head, "head"), (&mut old_db, &base, "base")] {
        for m in &input.history.migrations {
            if let Err(e) = db.apply(&m.up.text) {
                // A migration migsafe says it cannot read (a statement that does not
                // parse) is one the database refuses too: agreement, nothing to prepare on.
                let said = report
                    .findings
                    .iter()
                    .any(|f| matches!(f.rule, "unparsed-statement" | "unmodelled-statement") && f.migration.as_ref().is_some_and(|x| x.file == m.up.path));
                if said {
                    return Err(format!("the {what} migration {} does not apply on {dialect} ({e}), as migsafe reports", m.up.path));
                }
                proof.disagreements.push(format!("the {what} migration {} does not apply on {dialect}: {e}", m.up.path));
                proof.log = log;
                return Ok(proof);
            }
        }
    }

    let statements: Vec<Statement> = base.sites.iter().filter_map(|s| statement(dialect, s)).collect();
    let mut outcomes = Vec::new();
    for st in &statements {
        let control = old_db.prepare(&st.sql);
        let mut on_new = new_db.prepare(&st.sql);
        if let (Ok(()), Some(row)) = (&on_new, st.row) {
            on_new = decodes(&mut new_db, &st.sql, row);
        }
        let shown = match &on_new {
            Ok(()) => "ok".to_string(),
            Err(e) => format!("FAILS: {e}"),
        };
        say!(log, "  {}:{} {:?} `{}` -> {shown}", st.site.file, st.site.line, st.kind, one_line(&st.sql));
        if let Err(e) = &control {
            say!(log, "    (does not PREPARE on N-1's own schema either: {e})");
            proof.control_failures.push(format!("{}:{} `{}`: {e}", st.site.file, st.site.line, one_line(&st.sql)));
        }
        outcomes.push(Outcome { statement: st, control_ok: control.is_ok(), error: on_new.err() });
    }
    let usable: Vec<&Outcome> = outcomes.iter().filter(|o| o.control_ok).collect();
    proof.statements = usable.len();
    proof.failed = usable.iter().filter(|o| o.error.is_some()).count();

    let errors: Vec<_> = report.findings.iter().filter(|f| f.severity == Severity::Error).collect();
    proof.errors = errors.len();
    for f in &errors {
        let what = match &f.column {
            Some(c) => format!("{} {}.{c}", f.rule, f.table),
            None => format!("{} {}", f.rule, f.table),
        };
        say!(log, "  migsafe: {what}: sites {}", site_list(&f.sites));
        let at_sites: Vec<&Outcome> = usable
            .iter()
            .copied()
            .filter(|o| f.sites.iter().any(|r| r.revision == Revision::Base && r.file == o.statement.site.file && r.line == o.statement.site.line))
            .collect();
        if PREPARE_RULES.contains(&f.rule) {
            let needle = f.column.clone().unwrap_or_else(|| base_name(&f.table).to_string()).to_lowercase();
            if at_sites.is_empty() {
                let why = if f.sites.iter().any(|r| r.revision == Revision::Base) {
                    "its N-1 sites carry no SQL (#[touches], unseen calls)"
                } else {
                    "it names no N-1 site"
                };
                proof.not_proven.push(format!("{what}: {why}"));
            } else if at_sites.iter().any(|o| o.error.as_deref().is_some_and(|e| mentions(e, &needle))) {
                say!(log, "    proven: the database rejects N-1's statement for `{needle}`");
            } else {
                let said: Vec<String> = at_sites
                    .iter()
                    .map(|o| format!("{}:{} {}", o.statement.site.file, o.statement.site.line, o.error.as_deref().unwrap_or("PREPAREs fine")))
                    .collect();
                proof.disagreements.push(format!("migsafe reports {what}, but no N-1 site fails naming `{needle}`: {}", said.join("; ")));
            }
        } else if f.rule == REQUIRED_RULE {
            let column = f.column.clone().unwrap_or_default();
            let inserts: Vec<&Outcome> = at_sites.iter().copied().filter(|o| o.error.is_none() && o.statement.insert.is_some()).collect();
            if inserts.is_empty() {
                proof.not_proven.push(format!("{what}: none of its N-1 sites is an INSERT this test can run ({})", site_list(&f.sites)));
                continue;
            }
            let mut said = Vec::new();
            let mut rejected = false;
            for o in &inserts {
                let plan = o.statement.insert.as_ref().expect("filtered on insert");
                let params = plan.params(&head.history.schema);
                let outcome = new_db.execute_rolled_back(&o.statement.sql, &params);
                let shown_params: Vec<String> = params.iter().map(|p| format!("{p:?}")).collect();
                say!(log, "    EXECUTE {}:{} with [{}] -> {outcome:?}", o.statement.site.file, o.statement.site.line, shown_params.join(", "));
                match outcome {
                    Err(e) if names_required(dialect, &e, &column) => rejected = true,
                    Err(e) => said.push(format!("{}:{} rejected for another reason: {e}", o.statement.site.file, o.statement.site.line)),
                    Ok(n) => said.push(format!("{}:{} is accepted ({n} row)", o.statement.site.file, o.statement.site.line)),
                }
            }
            if rejected {
                say!(log, "    proven: the database rejects N-1's INSERT for `{column}`");
            } else {
                proof.disagreements.push(format!("migsafe reports {what}, but the database does not reject N-1's INSERT for it: {}", said.join("; ")));
            }
        } else {
            say!(log, "    not proven by PREPARE: {}", f.rule);
            proof.not_proven.push(format!("{what} ({})", f.rule));
        }
    }

    // Every statement the new schema rejects must be a site of an error finding.
    for o in usable.iter().filter(|o| o.error.is_some()) {
        let site = o.statement.site;
        let covered = errors.iter().any(|f| f.sites.iter().any(|r| r.revision == Revision::Base && r.file == site.file && r.line == site.line));
        if !covered {
            let verdict = if errors.is_empty() { "no error finding at all" } else { "no error finding names this site" };
            proof.disagreements.push(format!(
                "N-1's {}:{} `{}` fails on the new schema ({}), but migsafe reports {verdict}",
                site.file,
                site.line,
                one_line(&o.statement.sql),
                o.error.as_deref().unwrap_or_default()
            ));
        }
    }
    proof.log = log;
    Ok(proof)
}

struct Outcome<'a> {
    statement: &'a Statement<'a>,
    /// The statement PREPAREs on N-1's own schema.
    control_ok: bool,
    /// What the new schema says (`None`: it PREPAREs and decodes).
    error: Option<String>,
}

fn site_list(sites: &[migsafe_core::check::SiteRef]) -> String {
    let list: Vec<String> = sites.iter().map(|s| format!("{}:{}:{}", if s.revision == Revision::Base { "N-1" } else { "N" }, s.file, s.line)).collect();
    if list.is_empty() {
        "none".into()
    } else {
        list.join(", ")
    }
}

fn one_line(sql: &str) -> String {
    sql.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn base_name(key: &str) -> &str {
    key.rsplit('.').next().unwrap_or(key)
}

/// `message` names `name` as a whole identifier (`"name"`, `'o.name'`, `: name`).
fn mentions(message: &str, name: &str) -> bool {
    let m = message.to_lowercase();
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    m.match_indices(name).any(|(at, _)| {
        let before = m[..at].chars().next_back();
        let after = m[at + name.len()..].chars().next();
        !before.is_some_and(is_ident) && !after.is_some_and(is_ident)
    })
}

/// The database rejects an INSERT because it does not supply `column`.
fn names_required(dialect: Dialect, message: &str, column: &str) -> bool {
    let m = message.to_lowercase();
    let column = column.to_lowercase();
    match dialect {
        // 23502 not_null_violation: null value in column "c" of relation "t" violates not-null constraint
        Dialect::Postgres => m.starts_with("23502") && m.contains(&format!("\"{column}\"")),
        // ERROR 1364: Field 'c' doesn't have a default value (strict mode)
        Dialect::Mysql => m.contains("1364") && m.contains(&format!("'{column}'")),
        // NOT NULL constraint failed: t.c
        Dialect::Sqlite => m.contains("not null constraint failed") && m.ends_with(&format!(".{column}")),
    }
}

/// Decoding rows into a struct by column name: every column it needs must
/// be in what the prepared statement returns (`SELECT *` PREPAREs whatever
/// the table lost; the struct then fails on each row).
fn decodes(db: &mut Scratch, sql: &str, row: &RowShape) -> Result<(), String> {
    let returned: Vec<String> = db.result_columns(sql)?.into_iter().map(|c| c.to_lowercase()).collect();
    match row.columns.iter().find(|c| !returned.contains(&c.to_lowercase())) {
        Some(missing) => Err(format!("the statement returns no column `{missing}`, which {} decodes (it returns {})", row.rust_name, returned.join(", "))),
        None => Ok(()),
    }
}

// ---------------------------------------------------------------------------
// N-1's sites as the SQL their library sends.

#[derive(Debug, Clone, Copy)]
enum Kind {
    Query,
    Read,
    Insert,
    Update,
}

struct Statement<'a> {
    site: &'a Site,
    kind: Kind,
    sql: String,
    /// The struct rows decode into by column name.
    row: Option<&'a RowShape>,
    insert: Option<InsertPlan>,
}

fn statement(dialect: Dialect, site: &Site) -> Option<Statement<'_>> {
    let (kind, sql, row) = match &site.decl {
        Decl::Query(q) => {
            let sql = q.sql.trim().trim_end_matches(';').trim_end();
            // The mysql crates replace `:name` with `?` before the server sees the statement.
            let sql = if site.source == SourceId::Mysql { positional(sql) } else { sql.to_string() };
            (Kind::Query, sql, q.row.as_ref())
        }
        Decl::Table(t) => {
            let table = t.table.split('.').map(|p| quote(dialect, p)).collect::<Vec<_>>().join(".");
            let cols: Vec<String> = t.fields.iter().map(|f| quote(dialect, &f.column)).collect();
            let placeholder = |i: usize| if dialect == Dialect::Postgres { format!("${i}") } else { "?".to_string() };
            match t.role {
                Role::Read => (Kind::Read, format!("SELECT {} FROM {table}", cols.join(", ")), None),
                Role::Insert => {
                    let values: Vec<String> = (1..=cols.len()).map(placeholder).collect();
                    (Kind::Insert, format!("INSERT INTO {table} ({}) VALUES ({})", cols.join(", "), values.join(", ")), None)
                }
                Role::Update => {
                    let sets: Vec<String> = cols.iter().enumerate().map(|(i, c)| format!("{c} = {}", placeholder(i + 1))).collect();
                    (Kind::Update, format!("UPDATE {table} SET {}", sets.join(", ")), None)
                }
            }
        }
        Decl::SqlEnum(_) | Decl::Touches(_) | Decl::Unseen(_) => return None,
    };
    if sql.is_empty() {
        return None;
    }
    let insert = insert_plan(dialect, &sql);
    Some(Statement { site, kind, sql, row, insert })
}

/// `:name` parameters as `?`, as mysql_common does before preparing (a name
/// used twice is two `?`s bound to the same value).
fn positional(sql: &str) -> String {
    let chars: Vec<char> = sql.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' || c == '"' || c == '`' {
            // Copy a quoted string or identifier as it is.
            out.push(c);
            i += 1;
            while i < chars.len() && chars[i] != c {
                if chars[i] == '\\' && c != '`' && i + 1 < chars.len() {
                    out.push(chars[i]);
                    i += 1;
                }
                out.push(chars[i]);
                i += 1;
            }
            if i < chars.len() {
                out.push(chars[i]);
                i += 1;
            }
        } else if c == ':' && chars.get(i + 1).is_some_and(|n| n.is_ascii_alphabetic() || *n == '_') {
            out.push('?');
            i += 1;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// An identifier as the library writes it: quoted (so that a reserved word
/// is a name), in the dialect's identifier quotes. PostgreSQL folds unquoted
/// names to lower case, so only lower-case ones are quoted there; SQLite gets
/// backquotes (a double-quoted name it cannot resolve becomes a string).
fn quote(dialect: Dialect, name: &str) -> String {
    let name = name.trim();
    if name.starts_with('"') || name.starts_with('`') {
        return name.to_string();
    }
    match dialect {
        Dialect::Postgres if name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') => format!("\"{name}\""),
        Dialect::Postgres => name.to_string(),
        Dialect::Mysql | Dialect::Sqlite => format!("`{name}`"),
    }
}

// ---------------------------------------------------------------------------
// Binding plausible values to an INSERT.

/// Which column each parameter of an `INSERT … VALUES (…)` fills.
#[derive(Debug)]
struct InsertPlan {
    /// The schema's key of the table.
    table: String,
    /// The column list, when the INSERT names one.
    named: Option<Vec<String>>,
    /// `positions[i]`: the position in the row that parameter `i + 1` fills, if any.
    positions: Vec<Option<usize>>,
}

impl InsertPlan {
    /// A non-NULL value for every parameter, by the type of the column it
    /// fills (a parameter that fills none gets `'1'`).
    fn params(&self, schema: &Schema) -> Vec<Param> {
        let all: Vec<String> = schema.table(&self.table).map(|t| t.columns.iter().map(|c| c.name.clone()).collect()).unwrap_or_default();
        let columns = self.named.as_ref().unwrap_or(&all);
        self.positions
            .iter()
            .map(|p| match p.and_then(|p| columns.get(p)) {
                Some(c) => value_for(schema, &self.table, c),
                None => Param::Text("1".into()),
            })
            .collect()
    }
}

fn value_for(schema: &Schema, table: &str, column: &str) -> Param {
    let Some(col) = schema.column(table, column) else { return Param::Text("1".into()) };
    let ty = &col.ty;
    let text = |s: &str| Param::Text(s.to_string());
    match ty.family {
        Family::Int(_) | Family::UInt(_) | Family::Float(_) | Family::Numeric => Param::Int(1),
        Family::Bool => Param::Bool(true),
        Family::Date => text("2024-01-01"),
        Family::Timestamp { .. } => text("2024-01-01 00:00:00"),
        Family::Time => text("12:00:00"),
        Family::Interval => text("1 day"),
        Family::Uuid => text("00000000-0000-0000-0000-000000000001"),
        Family::Json => text("{}"),
        Family::Array => text("{}"),
        Family::Enum => {
            let values = ty.inline_enum_values().or_else(|| ty.user_type.as_ref().and_then(|t| schema.enums.get(t)).map(|e| e.values.clone()));
            text(values.and_then(|v| v.into_iter().next()).as_deref().unwrap_or("x"))
        }
        Family::Text { .. } | Family::Bytes | Family::Other => text("x"),
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    /// An unquoted word, lower-cased.
    Word(String),
    /// A quoted identifier, as written.
    Quoted(String),
    /// A string or number literal.
    Literal,
    /// A parameter: `$n`, `?n` (numbered) or `?` (the next number).
    Param(Option<usize>),
    Punct(char),
}

fn tokens(sql: &str) -> Vec<Tok> {
    let chars: Vec<char> = sql.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let digits = |from: usize| -> usize {
        let mut j = from;
        while j < chars.len() && chars[j].is_ascii_digit() {
            j += 1;
        }
        j
    };
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '-' && chars.get(i + 1) == Some(&'-') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && chars.get(i + 1) == Some(&'*') {
            i += 2;
            while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                i += 1;
            }
            i += 2;
        } else if c == '\'' {
            i += 1;
            while i < chars.len() {
                if chars[i] == '\'' && chars.get(i + 1) == Some(&'\'') {
                    i += 2;
                } else if chars[i] == '\'' {
                    break;
                } else {
                    i += 1;
                }
            }
            i += 1;
            out.push(Tok::Literal);
        } else if c == '"' || c == '`' || c == '[' {
            let close = if c == '[' { ']' } else { c };
            let start = i + 1;
            i = start;
            while i < chars.len() && chars[i] != close {
                i += 1;
            }
            out.push(Tok::Quoted(chars[start..i.min(chars.len())].iter().collect()));
            i += 1;
        } else if (c == '$' || c == '?') && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit()) {
            let end = digits(i + 1);
            out.push(Tok::Param(chars[i + 1..end].iter().collect::<String>().parse().ok()));
            i = end;
        } else if c == '?' {
            out.push(Tok::Param(None));
            i += 1;
        } else if c.is_ascii_digit() {
            i = digits(i);
            out.push(Tok::Literal);
        } else if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '$') {
                i += 1;
            }
            out.push(Tok::Word(chars[start..i].iter().collect::<String>().to_lowercase()));
        } else {
            out.push(Tok::Punct(c));
            i += 1;
        }
    }
    out
}

/// The number each parameter token stands for, as the libraries count:
/// `$n`/`?n` name theirs, a bare `?` is one more than the largest so far.
fn param_numbers(toks: &[Tok]) -> Vec<Option<usize>> {
    let mut largest = 0;
    toks.iter()
        .map(|t| match t {
            Tok::Param(n) => {
                let n = n.unwrap_or(largest + 1);
                largest = largest.max(n);
                Some(n)
            }
            _ => None,
        })
        .collect()
}

/// `INSERT [OR …|IGNORE] INTO t [(cols)] VALUES (…)`: which parameter fills
/// which column. Parameters elsewhere (a SELECT, ON CONFLICT) fill none.
fn insert_plan(dialect: Dialect, sql: &str) -> Option<InsertPlan> {
    let toks = tokens(sql);
    let numbers = param_numbers(&toks);
    let count = numbers.iter().flatten().copied().max().unwrap_or(0);
    let start = toks.iter().position(|t| *t == Tok::Word("insert".into()))?;
    let into = start + toks[start..].iter().position(|t| *t == Tok::Word("into".into()))?;
    let mut i = into + 1;
    let mut written = Vec::new();
    loop {
        match toks.get(i)? {
            Tok::Word(w) => written.push(w.clone()),
            Tok::Quoted(q) => written.push(format!("\"{q}\"")),
            _ => return None,
        }
        i += 1;
        if toks.get(i) == Some(&Tok::Punct('.')) {
            i += 1;
        } else {
            break;
        }
    }
    let table = annotation_name(dialect, &written.join("."));
    let name = |t: &Tok| match t {
        Tok::Word(w) => Some(w.clone()),
        Tok::Quoted(q) if dialect == Dialect::Postgres => Some(q.clone()),
        Tok::Quoted(q) => Some(q.to_lowercase()),
        _ => None,
    };
    let mut named: Option<Vec<String>> = None;
    if toks.get(i) == Some(&Tok::Punct('(')) {
        let mut cols = Vec::new();
        i += 1;
        while let Some(t) = toks.get(i) {
            i += 1;
            match t {
                Tok::Punct(')') => break,
                Tok::Punct(',') => {}
                t => cols.push(name(t)?),
            }
        }
        named = Some(cols);
    }
    let mut positions = vec![None; count];
    if matches!(toks.get(i), Some(Tok::Word(w)) if w == "values" || w == "value") && toks.get(i + 1) == Some(&Tok::Punct('(')) {
        // The first row's expressions, split at top-level commas.
        let mut exprs: Vec<Vec<usize>> = vec![Vec::new()];
        let mut depth = 0;
        let mut j = i + 2;
        while let Some(t) = toks.get(j) {
            match t {
                Tok::Punct('(') => depth += 1,
                Tok::Punct(')') if depth == 0 => break,
                Tok::Punct(')') => depth -= 1,
                Tok::Punct(',') if depth == 0 => {
                    exprs.push(Vec::new());
                    j += 1;
                    continue;
                }
                _ => {}
            }
            exprs.last_mut().expect("one expression at least").push(j);
            j += 1;
        }
        for (k, expr) in exprs.iter().enumerate() {
            // Only an expression that is just the parameter fills the column with it.
            if let [only] = expr.as_slice() {
                if let Some(n) = numbers[*only].filter(|n| *n >= 1) {
                    positions[n - 1] = Some(k);
                }
            }
        }
    }
    Some(InsertPlan { table, named, positions })
}

// ---------------------------------------------------------------------------
// Loading a revision from a scenario folder, as cargo-migsafe's `load` does
// from git.

struct Package {
    /// Relative to the revision root (`""` for the root package).
    dir: String,
    deps: Vec<Dep>,
}

struct Dep {
    name: String,
    features: Vec<String>,
}

struct Layout {
    dialect: Dialect,
    /// The migrations folder, relative to the revision root.
    migrations: String,
    found_by: String,
    packages: Vec<Package>,
}

fn layout(root: &Path, dialect: Option<Dialect>) -> Result<Layout, String> {
    let manifest = root.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).map_err(|e| format!("{}: {e}", manifest.display()))?;
    let declared = read_manifest("Cargo.toml", &text).map_err(|e| e.to_string())?;

    let mut packages = Vec::new();
    let mut configs: Vec<(String, Declared)> = Vec::new();
    if declared.package_name.is_some() {
        packages.push(Package { dir: String::new(), deps: dependencies(&text) });
        configs.push((String::new(), declared.clone()));
    }
    for member in declared.members.clone().unwrap_or_default() {
        for dir in expand_member(root, &member) {
            let m = root.join(&dir).join("Cargo.toml");
            let t = std::fs::read_to_string(&m).map_err(|e| format!("{}: {e}", m.display()))?;
            configs.push((dir.clone(), read_manifest(&format!("{dir}/Cargo.toml"), &t).map_err(|e| e.to_string())?));
            packages.push(Package { dir, deps: dependencies(&t) });
        }
    }
    if packages.is_empty() {
        return Err("no package in the manifest".into());
    }

    let ws = declared.workspace.as_ref();
    let declared_dialect = configs.iter().find_map(|(_, d)| d.package.as_ref().and_then(|p| p.dialect)).or_else(|| ws.and_then(|w| w.dialect));
    let dialect = match dialect.or(declared_dialect).or_else(|| dialect_from_features(&packages)) {
        Some(d) => d,
        None => return Err("no `dialect` in [package.metadata.migsafe] and no database library feature names one".into()),
    };

    let configured = configs.iter().find_map(|(dir, d)| {
        let package_sets = d.package.as_ref().is_some_and(|p| p.migrations.is_some() || p.dialect.is_some());
        let ws_sets = ws.is_some_and(|w| w.migrations.is_some() || w.dialect.is_some());
        if !package_sets && !ws_sets {
            return None;
        }
        resolve(d.package.as_ref(), ws, dir).map(|(c, _)| join(dir, &c.migrations))
    });
    let (migrations, found_by) = if let Some(m) = configured {
        (m, "[package.metadata.migsafe]".to_string())
    } else if let Some(m) = packages.iter().find_map(|p| diesel_toml_dir(root, &p.dir)) {
        (m, "diesel.toml".to_string())
    } else if let Some(m) = packages.iter().find_map(|p| migrate_macro_dir(root, &p.dir)) {
        (m, "sqlx::migrate!".to_string())
    } else {
        (join(&packages[0].dir, "migrations"), "the default".to_string())
    };
    Ok(Layout { dialect, migrations, found_by, packages })
}

fn expand_member(root: &Path, member: &str) -> Vec<String> {
    let member = member.trim_end_matches('/');
    match member.strip_suffix("/*") {
        Some(parent) => {
            let mut dirs: Vec<String> = std::fs::read_dir(root.join(parent))
                .map(|rd| {
                    rd.filter_map(|e| e.ok())
                        .filter(|e| e.path().join("Cargo.toml").is_file())
                        .map(|e| format!("{parent}/{}", e.file_name().to_string_lossy()))
                        .collect()
                })
                .unwrap_or_default();
            dirs.sort();
            dirs
        }
        None => vec![member.to_string()],
    }
}

fn join(dir: &str, rel: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for p in dir.split('/').chain(rel.split('/')) {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// The dialect the database libraries' features name (zero configuration).
fn dialect_from_features(packages: &[Package]) -> Option<Dialect> {
    let by_feature = |features: &[String], prefix: &str| {
        [("postgres", Dialect::Postgres), ("mysql", Dialect::Mysql), ("sqlite", Dialect::Sqlite)]
            .into_iter()
            .find(|(f, _)| features.iter().any(|x| *x == format!("{prefix}{f}")))
            .map(|(_, d)| d)
    };
    packages.iter().flat_map(|p| &p.deps).find_map(|d| match d.name.as_str() {
        "sqlx" | "sqlx-core" | "diesel" | "diesel-async" => by_feature(&d.features, ""),
        "sea-orm" => by_feature(&d.features, "sqlx-"),
        "rusqlite" => Some(Dialect::Sqlite),
        "tokio-postgres" | "postgres" => Some(Dialect::Postgres),
        "mysql" | "mysql_async" => Some(Dialect::Mysql),
        _ => None,
    })
}

/// `[migrations_directory] dir` of the package's diesel.toml.
fn diesel_toml_dir(root: &Path, pkg: &str) -> Option<String> {
    let text = std::fs::read_to_string(root.join(pkg).join("diesel.toml")).ok()?;
    let dir = toml_sections(&text).into_iter().find(|(s, _)| s == "migrations_directory")?.1.into_iter().find(|(k, _)| k == "dir")?.1;
    Some(join(pkg, &unquote(&dir)?))
}

/// The folder of a `sqlx::migrate!("…")` in the package's sources.
fn migrate_macro_dir(root: &Path, pkg: &str) -> Option<String> {
    rust_files(root, pkg, &[]).into_iter().find_map(|path| {
        let text = std::fs::read_to_string(root.join(&path)).ok()?;
        let at = text.find("migrate!(")? + "migrate!(".len();
        let rest = text[at..].trim_start().strip_prefix('"')?;
        Some(join(pkg, &rest[..rest.find('"')?]))
    })
}

/// `[dependencies]` of a manifest: each crate's name (its `package` when
/// renamed) and features.
fn dependencies(manifest: &str) -> Vec<Dep> {
    let mut out = Vec::new();
    for (section, entries) in toml_sections(manifest) {
        if section == "dependencies" {
            for (key, value) in entries {
                let table = inline_table(&value);
                let name = table.iter().find(|(k, _)| k == "package").and_then(|(_, v)| unquote(v)).unwrap_or(key);
                let features = table.iter().find(|(k, _)| k == "features").map(|(_, v)| strings(v)).unwrap_or_default();
                out.push(Dep { name, features });
            }
        } else if let Some(name) = section.strip_prefix("dependencies.") {
            let features = entries.iter().find(|(k, _)| k == "features").map(|(_, v)| strings(v)).unwrap_or_default();
            let name = entries.iter().find(|(k, _)| k == "package").and_then(|(_, v)| unquote(v)).unwrap_or_else(|| name.to_string());
            out.push(Dep { name, features });
        }
    }
    out
}

/// A TOML document's `[section]`s and their `key = value` lines (a value
/// spanning lines is joined until its brackets close). Enough for manifests.
fn toml_sections(text: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut out: Vec<(String, Vec<(String, String)>)> = vec![(String::new(), Vec::new())];
    let mut pending: Option<(String, String)> = None;
    for raw in text.lines() {
        let line = strip_comment(raw);
        if let Some((key, mut value)) = pending.take() {
            value.push(' ');
            value.push_str(line.trim());
            if balanced(&value) {
                out.last_mut().expect("a section").1.push((key, value));
            } else {
                pending = Some((key, value));
            }
            continue;
        }
        let line = line.trim();
        if line.starts_with('[') {
            out.push((line.trim_matches(|c| c == '[' || c == ']').trim().to_string(), Vec::new()));
        } else if let Some((k, v)) = line.split_once('=') {
            let (k, v) = (k.trim().trim_matches('"').to_string(), v.trim().to_string());
            if balanced(&v) {
                out.last_mut().expect("a section").1.push((k, v));
            } else {
                pending = Some((k, v));
            }
        }
    }
    out
}

fn strip_comment(line: &str) -> &str {
    let mut in_string = false;
    for (i, c) in line.char_indices() {
        match c {
            '"' => in_string = !in_string,
            '#' if !in_string => return &line[..i],
            _ => {}
        }
    }
    line
}

fn balanced(v: &str) -> bool {
    let mut depth = 0i32;
    let mut in_string = false;
    for c in v.chars() {
        match c {
            '"' => in_string = !in_string,
            '[' | '{' if !in_string => depth += 1,
            ']' | '}' if !in_string => depth -= 1,
            _ => {}
        }
    }
    depth <= 0
}

/// `{ version = "1", features = ["a"] }` as (key, value) pairs; a plain string is no table.
fn inline_table(v: &str) -> Vec<(String, String)> {
    let Some(inner) = v.trim().strip_prefix('{').and_then(|s| s.strip_suffix('}')) else { return Vec::new() };
    let mut out = Vec::new();
    let (mut depth, mut in_string, mut start) = (0, false, 0);
    let mut parts = Vec::new();
    for (i, c) in inner.char_indices() {
        match c {
            '"' => in_string = !in_string,
            '[' | '{' if !in_string => depth += 1,
            ']' | '}' if !in_string => depth -= 1,
            ',' if !in_string && depth == 0 => {
                parts.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    for p in parts {
        if let Some((k, v)) = p.split_once('=') {
            out.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    out
}

fn strings(v: &str) -> Vec<String> {
    v.split('"').skip(1).step_by(2).map(String::from).collect()
}

fn unquote(v: &str) -> Option<String> {
    let v = v.trim();
    v.strip_prefix('"').and_then(|s| s.strip_suffix('"')).map(String::from)
}

/// The `.rs` files below `pkg` (relative to `root`), without build output
/// and without the packages in `nested`.
fn rust_files(root: &Path, pkg: &str, nested: &[String]) -> Vec<String> {
    fn walk(root: &Path, rel: &str, nested: &[String], out: &mut Vec<String>) {
        let Ok(rd) = std::fs::read_dir(root.join(rel)) else { return };
        let mut entries: Vec<_> = rd.filter_map(|e| e.ok()).collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let name = e.file_name().to_string_lossy().into_owned();
            let path = if rel.is_empty() { name.clone() } else { format!("{rel}/{name}") };
            if e.path().is_dir() {
                if name != "target" && !name.starts_with('.') && !nested.contains(&path) {
                    walk(root, &path, nested, out);
                }
            } else if name.ends_with(".rs") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(root, pkg, nested, &mut out);
    out
}

/// The revision's other files (`include_str!`, `query_file!`).
struct DiskFiles<'a>(&'a Path);

impl Files for DiskFiles<'_> {
    fn read(&self, path: &str) -> Option<String> {
        std::fs::read_to_string(self.0.join(path)).ok()
    }
}

fn load(root: &Path, layout: &Layout, log: &mut String) -> Result<RevisionInput, String> {
    let dir = root.join(&layout.migrations);
    if !dir.is_dir() {
        return Err(format!("the migrations folder `{}` does not exist", layout.migrations));
    }
    let source = read_source(&dir, &layout.migrations).map_err(|e| format!("read {}: {e}", dir.display()))?;
    if !source.files.iter().any(|f| f.path.ends_with(".sql")) {
        return Err(format!("`{}` holds no SQL migrations", layout.migrations));
    }
    let history = analyze(layout.dialect, &source);
    if history.migrations.is_empty() {
        return Err(format!("`{}` holds no migrations in a layout migsafe knows", layout.migrations));
    }
    for d in history.errors() {
        say!(log, "  model: {d}");
    }
    let dirs: Vec<String> = layout.packages.iter().map(|p| p.dir.clone()).collect();
    let mut sites = Vec::new();
    let mut contracts = Vec::new();
    for pkg in &layout.packages {
        let nested: Vec<String> = dirs.iter().filter(|d| **d != pkg.dir && !d.is_empty()).cloned().collect();
        let mut files = Vec::new();
        for path in rust_files(root, &pkg.dir, &nested) {
            let text = std::fs::read_to_string(root.join(&path)).map_err(|e| format!("{path}: {e}"))?;
            files.push((path, text));
        }
        let info = CrateInfo { dir: pkg.dir.clone(), deps: Some(pkg.deps.iter().map(|d| d.name.clone()).collect()), dialect: Some(layout.dialect) };
        let scan = scan_crate(&files, &info, &DiskFiles(root));
        for d in scan.diagnostics.iter().filter(|d| d.severity == Severity::Error) {
            say!(log, "  sources: {d}");
        }
        sites.extend(scan.sites);
        contracts.extend(migsafe_core::contract::read_crate(&files));
    }
    Ok(RevisionInput { sha: None, history, sites, contracts })
}
