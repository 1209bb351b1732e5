//! The subcommands.

use crate::load::{load, load_both, migrations, Loaded, Side};
use crate::project::{discover, Project, Selection};
use crate::render::{self, Sources};
use crate::report::{merge, Outcome};
use crate::tree::Tree;
use crate::{git, Command, Format, ManifestArg};
use anyhow::{anyhow, bail, Context as _, Result};
use migsafe_core::annotations::Decl;
use migsafe_core::check::{check_with, RevisionInput};
use migsafe_core::footprint::resolve_site;
use migsafe_core::policy::{Deny, Policy};
use migsafe_core::schema::{analyze, History, Schema};
use migsafe_core::{Diagnostic, Severity};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// The revision N-1 runs [default: the merge-base of HEAD with the default branch (origin/HEAD,
    /// else origin/main, origin/master, main, master); on that branch itself, HEAD when the working
    /// tree has changes, else HEAD~1]
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,
    #[command(flatten)]
    pub manifest: ManifestArg,
    #[command(flatten)]
    pub select: Selection,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Fail (exit 1) on warnings too (`--deny warnings`), or on an `unproven` verdict: code migsafe cannot read (`--deny unseen`)
    #[arg(long, value_name = "WHAT", value_parser = ["warnings", "unseen"])]
    pub deny: Vec<String>,
    /// Colour: auto, always or never
    #[arg(long, value_name = "WHEN", default_value = "auto", value_parser = ["auto", "always", "never"])]
    pub color: String,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum SimpleFormat {
    Human,
    Json,
}

/// Arguments of the commands that read one revision (`schema`, `footprint`).
#[derive(clap::Args, Debug)]
pub struct RevArgs {
    /// Read this git revision instead of the working tree
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,
    #[command(flatten)]
    pub manifest: ManifestArg,
    #[command(flatten)]
    pub select: Selection,
    /// Output format
    #[arg(long, value_enum, default_value_t = SimpleFormat::Human)]
    pub format: SimpleFormat,
}

#[derive(clap::Args, Debug)]
pub struct ExplainArgs {
    /// The rule id (omit to list every rule)
    pub rule: Option<String>,
}

pub fn run(cmd: Command) -> Result<u8> {
    match cmd {
        Command::Check(a) => run_check(a),
        Command::Schema(a) => run_schema(a),
        Command::Footprint(a) => run_footprint(a),
        Command::Explain(a) => run_explain(a),
        Command::Rehearse(a) => crate::rehearse::run(a),
        Command::Verify(a) => crate::verify::run(a),
    }
}

/// Where we are: the repository (or project) root, and the manifest relative to it.
pub(crate) struct Place {
    pub(crate) root: PathBuf,
    pub(crate) in_git: bool,
    /// Why git could not be asked (not installed, not on PATH): commands that need a revision say so.
    no_git: Option<String>,
    pub(crate) manifest: String,
}

impl Place {
    /// The error for a command that needs git here.
    fn needs_git(&self, what: &str) -> anyhow::Error {
        match &self.no_git {
            Some(why) => anyhow!("{what} needs git: {why}"),
            None => anyhow!("{what} needs a git repository, and {} is not in one", self.root.display()),
        }
    }
}

pub(crate) fn place(m: &ManifestArg) -> Result<Place> {
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let manifest = match &m.manifest_path {
        Some(p) => {
            let p = if p.is_absolute() { p.clone() } else { cwd.join(p) };
            if !p.is_file() {
                bail!("manifest {} does not exist", p.display());
            }
            p
        }
        None => {
            let mut dir: &Path = &cwd;
            loop {
                let c = dir.join("Cargo.toml");
                if c.is_file() {
                    break c;
                }
                dir = dir.parent().ok_or_else(|| anyhow!("could not find Cargo.toml in {} or any parent directory", cwd.display()))?;
            }
        }
    };
    // The folder is resolved, not the file: a Cargo.toml that is a symbolic
    // link belongs to the repository it sits in (the tree then reads it, or
    // says that it leads out of the repository).
    let name = manifest.file_name().map(|n| n.to_os_string()).unwrap_or_else(|| "Cargo.toml".into());
    let parent = manifest.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mdir = parent.canonicalize().with_context(|| format!("cannot resolve {}", parent.display()))?;
    let manifest = mdir.join(name);
    let (root, in_git, no_git) = match git::toplevel(&mdir) {
        Ok(Some(t)) => (t.canonicalize().unwrap_or(t), true, None),
        Ok(None) => (mdir.clone(), false, None),
        Err(e) => (mdir.clone(), false, Some(e.to_string())),
    };
    let rel = manifest.strip_prefix(&root).map_err(|_| anyhow!("{} is outside the repository {}", manifest.display(), root.display()))?;
    Ok(Place { root, in_git, no_git, manifest: rel.to_string_lossy().replace('\\', "/") })
}

pub(crate) fn tree_for(p: &Place, rev: Option<&str>) -> Result<(Tree, Option<String>)> {
    match rev {
        None => Ok((Tree::work(&p.root, p.in_git)?, None)),
        Some(r) => {
            if !p.in_git {
                return Err(p.needs_git("--rev"));
            }
            let sha = git::resolve(&p.root, r)?;
            Ok((Tree::git(&p.root, &sha)?, Some(sha)))
        }
    }
}

/// Input migsafe cannot read, each problem with its file and line: the check
/// cannot be made (exit 2). The edge renders it in the chosen format.
#[derive(Debug)]
pub struct InputErrors {
    pub what: String,
    pub diagnostics: Vec<Diagnostic>,
}

impl std::fmt::Display for InputErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:", self.what)?;
        for d in &self.diagnostics {
            write!(f, "\n  {}: {}", d.location, d.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for InputErrors {}

/// Say on stderr which packages are read, each database's folder and dialect and why.
pub(crate) fn announce(project: &Project) {
    for line in project.describe() {
        eprintln!("{line}");
    }
}

pub(crate) fn fail_on_errors(diags: &[Diagnostic], what: &str) -> Result<()> {
    let errors: Vec<Diagnostic> = diags.iter().filter(|d| d.severity == Severity::Error).cloned().collect();
    if errors.is_empty() {
        return Ok(());
    }
    Err(InputErrors { what: what.to_string(), diagnostics: errors }.into())
}

fn color(when: &str) -> bool {
    match when {
        "always" => true,
        "never" => false,
        _ => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    }
}

fn run_check(a: CheckArgs) -> Result<u8> {
    let p = place(&a.manifest)?;
    if let Some(why) = &p.no_git {
        bail!("`cargo migsafe check` compares the working tree with a git revision, and {why}");
    }
    if !p.in_git {
        return Err(git::RevError::NotARepo(p.root.display().to_string()).into());
    }
    let head_tree = Tree::work(&p.root, true)?;
    let head_project = discover(&head_tree, &p.manifest, &a.select)?;
    announce(&head_project);
    let (base_ref, base_sha) = git::default_base(&p.root, a.base.as_deref())?;
    let base_tree = Tree::git(&p.root, &base_sha)?;
    let base_project = match discover(&base_tree, &p.manifest, &a.select) {
        Ok(bp) => bp,
        // The base predates the manifest, the package, its migrations or its database: nothing ran before.
        Err(e) if e.is_unconfigured() => Project { databases: Vec::new(), ..head_project.clone() },
        Err(e) => return Err(anyhow!("in the base revision {}: {e}", migsafe_core::short_sha(&base_sha, 7))),
    };
    eprintln!("    Checking N-1 ({}, {base_ref}) against N (working tree)", migsafe_core::short_sha(&base_sha, 7));

    let deny = Deny { warnings: a.deny.iter().any(|d| d == "warnings"), unseen: a.deny.iter().any(|d| d == "unseen") };
    let scans = crate::load::ScanCache::default();
    // Both revisions' loads judged: N's problems first, then loading N-1,
    // then N-1's problems; the report, the warnings and the texts its
    // snippets quote are kept, the histories and sites dropped as soon as the
    // report is made, not held until the last database is checked.
    let judge = |head: Loaded, base: Result<Loaded, String>, allow: &[String]| -> Result<Checked> {
        fail_on_errors(&head.diagnostics, "the check could not be made: N (working tree) has input migsafe cannot read")?;
        let base = base.map_err(|e| anyhow!(e))?;
        fail_on_errors(
            &base.diagnostics,
            &format!("the check could not be made: N-1 ({}) has input migsafe cannot read", migsafe_core::short_sha(&base_sha, 7)),
        )?;
        // `allow = [...]` in the packages' config, `--deny` from the command line.
        let report = check_with(&base.input, &head.input, &Policy { allow: allow.to_vec(), deny });
        // What is read on regardless (a test file that does not parse, …) is said, not dropped.
        let warnings = [("N", &head), ("N-1", &base)]
            .into_iter()
            .flat_map(|(who, l)| {
                l.diagnostics.iter().filter(|d| d.severity == Severity::Warning).map(move |w| format!("warning: {who}: {}: {}", w.location, w.message))
            })
            .collect();
        let (head_texts, base_texts) = render::quoted(&report.findings, head.texts, base.texts);
        Ok(Checked { report, warnings, head_texts, base_texts })
    };
    // Each database is loaded and checked on its own; a workspace's
    // databases are spread over the cores (results kept in order, so output
    // and the first error are the same as one after the other).
    let one = |db: &crate::project::Database| -> Result<Checked> {
        let base_db = base_project.same_database(db).cloned().unwrap_or_else(|| {
            // Same packages, no migrations yet: everything is pending.
            let mut d = db.clone();
            d.packages.retain(|p| base_tree.exists(&p.manifest));
            d
        });
        let (head, base) = load_both(
            Side { tree: &head_tree, project: &head_project, db, sha: None, must_exist: true },
            Side { tree: &base_tree, project: &base_project, db: &base_db, sha: Some(base_sha.clone()), must_exist: false },
            &scans,
        )
        .map_err(|e| anyhow!(e))?;
        judge(head, base, &db.allow)
    };
    // Packages without migrations: their event and payload contracts, which
    // other services decode (a field renamed there breaks a consumer on
    // N-1 as surely as a column renamed here); none declared, nothing to judge.
    let standalone = |s: &crate::project::Standalone| -> Result<Option<Checked>> {
        let head = crate::load::contracts_only(&head_tree, &head_project, Some(&s.package), None).map_err(|e| anyhow!(e))?;
        let base_pkg = base_project.members.iter().find(|b| b.name == s.package.name);
        let base = crate::load::contracts_only(&base_tree, &base_project, base_pkg, Some(base_sha.clone())).map_err(|e| anyhow!(e))?;
        if head.input.contracts.is_empty() && base.input.contracts.is_empty() {
            return Ok(None);
        }
        judge(head, Ok(base), &s.allow).map(Some)
    };
    let mut reports = Vec::new();
    let mut sources = Sources::default();
    let databases = crate::par::map_in_order(&head_project.databases, one);
    for result in databases.into_iter().chain(head_project.without_migrations.iter().filter_map(|s| standalone(s).transpose())) {
        let Checked { report, warnings, head_texts, base_texts } = result?;
        for w in warnings {
            eprintln!("{w}");
        }
        reports.push(report);
        sources.head.extend(head_texts);
        sources.base.extend(base_texts);
    }
    let report = merge(reports).ok_or_else(|| anyhow!("no database to check"))?;
    let out = Outcome { base_sha: base_sha.clone(), base_ref, report };
    let text = match a.format {
        Format::Human => render::human::render(&out, &sources, color(&a.color)),
        Format::Json => render::json::render(&out),
        Format::Sarif => render::sarif::render(&out),
        Format::Github => render::github::render(&out),
        Format::Gitlab => render::gitlab::render(&out),
    };
    outln!("{text}");
    // A pending statement migsafe cannot parse: the findings say where, and
    // nothing is proven about what it does, so the check could not be made
    // (exit 2, as the acceptance scenario `bad-migration` expects; the
    // contract's newer text asks for exit 1: see README, "Exit status").
    let unreadable: Vec<&migsafe_core::rules::Finding> = out.report.unreadable_pending().collect();
    if !unreadable.is_empty() {
        eprintln!("error: the check could not be made: a pending migration holds a statement migsafe cannot parse (excuse it with `-- migsafe:allow(unparsed-statement) <reason>` if it is harmless):");
        for f in unreadable {
            eprintln!("  {}", f.message);
        }
        return Ok(2);
    }
    Ok(if out.report.fails() { 1 } else { 0 })
}

/// What `check` keeps of one database: its report, the warnings its
/// revisions' input gave, and the texts of the files its findings quote.
struct Checked {
    report: migsafe_core::check::Report,
    warnings: Vec<String>,
    head_texts: std::collections::HashMap<String, String>,
    base_texts: std::collections::HashMap<String, String>,
}

/// Each database of a revision with its applied migrations.
fn histories(p: &Place, rev: Option<&str>, select: &Selection) -> Result<Vec<(crate::project::Database, History)>> {
    let (tree, _) = tree_for(p, rev)?;
    let project = discover(&tree, &p.manifest, select)?;
    announce(&project);
    let mut out = Vec::new();
    for db in &project.databases {
        let (src, mut diags) = migrations(&tree, db, true).map_err(|e| anyhow!(e))?;
        let h = analyze(db.dialect, &src);
        diags.extend(h.diagnostics.iter().cloned());
        fail_on_errors(&diags, "the migrations do not parse")?;
        if h.migrations.is_empty() {
            bail!(crate::load::no_migrations(db));
        }
        out.push((db.clone(), h));
    }
    Ok(out)
}

fn schema_json(s: &Schema) -> serde_json::Value {
    use serde_json::json;
    let tables: serde_json::Map<String, serde_json::Value> = s
        .tables
        .values()
        .map(|t| {
            let cols: serde_json::Map<String, serde_json::Value> = t
                .columns
                .iter()
                .map(|c| {
                    (
                        c.name.clone(),
                        json!({"type": c.ty.catalog, "declared": c.ty.written, "enum": c.ty.user_type, "nullable": c.nullable, "default": c.default, "identity": c.identity, "generated": c.generated,
                               "created": format!("{}:{}", c.created.file, c.created.line)}),
                    )
                })
                .collect();
            (
                t.name.clone(),
                json!({"columns": cols, "primary_key": t.primary_key, "unique": t.unique, "foreign_keys": t.foreign_keys, "checks": t.checks.iter().map(|c| &c.text).collect::<Vec<_>>(), "created": format!("{}:{}", t.created.file, t.created.line)}),
            )
        })
        .collect();
    json!({
        "dialect": s.dialect,
        "tables": tables,
        "views": s.views.values().map(|v| (v.name.clone(), json!({"columns": v.columns, "materialized": v.materialized}))).collect::<serde_json::Map<_, _>>(),
        "enums": s.enums.values().map(|e| (e.name.clone(), json!(e.values))).collect::<serde_json::Map<_, _>>(),
        "indexes": s.indexes.values().map(|i| (i.name.clone(), json!({"table": i.table, "columns": i.columns, "unique": i.unique, "partial": i.partial}))).collect::<serde_json::Map<_, _>>(),
    })
}

fn run_schema(a: RevArgs) -> Result<u8> {
    let p = place(&a.manifest)?;
    let hs = histories(&p, a.rev.as_deref(), &a.select)?;
    match a.format {
        SimpleFormat::Json => {
            // One database: its schema at the top level. Several: the union at the top, each under `databases`.
            let mut top = schema_json(&hs[0].1.schema);
            if hs.len() > 1 {
                let mut all = Vec::new();
                for (db, h) in &hs {
                    let mut j = schema_json(&h.schema);
                    j["migrations"] = serde_json::json!(db.migrations);
                    if let (Some(dst), Some(src)) = (top["tables"].as_object_mut(), j["tables"].as_object()) {
                        for (k, v) in src {
                            dst.entry(k.clone()).or_insert(v.clone());
                        }
                    }
                    all.push(j);
                }
                top["databases"] = serde_json::Value::Array(all);
            }
            outln!("{}", serde_json::to_string_pretty(&top)?);
        }
        SimpleFormat::Human => {
            for (db, h) in &hs {
                outln!("{} ({}, {} migrations)", db.migrations, db.dialect, h.migrations.len());
                for t in h.schema.tables.values() {
                    outln!("  table {}", t.name);
                    for c in &t.columns {
                        let null = if c.nullable { "" } else { " not null" };
                        let def = c.default.as_ref().map(|d| format!(" default {d}")).unwrap_or_default();
                        outln!("    {:<28} {}{null}{def}", c.name, c.ty.display());
                    }
                }
                for v in h.schema.views.values() {
                    outln!("  view {} ({})", v.name, v.columns.join(", "));
                }
                for e in h.schema.enums.values() {
                    outln!("  enum {} ({})", e.name, e.values.iter().map(|v| format!("'{v}'")).collect::<Vec<_>>().join(", "));
                }
                for n in h.diagnostics.iter().filter(|d| d.severity == Severity::Info) {
                    println!("  ignored {}: {}", n.location.file, n.message);
                }
            }
        }
    }
    // Statements the parser cannot read (and, with JSON on stdout, files the tool ignores): said, not fatal.
    for (_, h) in &hs {
        for d in h.diagnostics.iter().filter(|d| d.severity == Severity::Warning || (d.severity == Severity::Info && a.format == SimpleFormat::Json)) {
            let kind = if d.severity == Severity::Info { "note" } else { "warning" };
            eprintln!("{kind}: {}: {}", d.location, d.message);
        }
    }
    Ok(0)
}

fn run_footprint(a: RevArgs) -> Result<u8> {
    let p = place(&a.manifest)?;
    let (tree, _) = tree_for(&p, a.rev.as_deref())?;
    let project = discover(&tree, &p.manifest, &a.select)?;
    announce(&project);
    let mut sites_json = Vec::new();
    let mut coverage = migsafe_core::check::RevisionCoverage::default();
    for db in &project.databases {
        // One load: the migrations applied and the sources scanned.
        let loaded = load(&tree, &project, db, None, true, &crate::load::ScanCache::default()).map_err(|e| anyhow!(e))?;
        fail_on_errors(&loaded.diagnostics, "the migrations or the sources cannot be read")?;
        let input: RevisionInput = loaded.input;
        coverage.add(&migsafe_core::check::RevisionCoverage::of(&input.sites));
        let h = &input.history;
        let enums: Vec<&migsafe_core::annotations::EnumDecl> =
            input.sites.iter().filter_map(|s| if let Decl::SqlEnum(e) = &s.decl { Some(e) } else { None }).collect();
        for site in &input.sites {
            let res = resolve_site(&h.schema, &site.decl, &enums);
            match a.format {
                SimpleFormat::Json => sites_json.push(serde_json::json!({
                    "file": site.file, "line": site.line, "item": site.item, "source": site.source, "decl": site.decl,
                    "touches": res.columns, "tables": res.tables, "inserts": res.inserts,
                    "problems": res.problems.iter().map(|p| p.message.clone()).collect::<Vec<_>>(),
                })),
                SimpleFormat::Human => {
                    let kind = match &site.decl {
                        Decl::Query(_) => "query",
                        Decl::Table(_) => "table",
                        Decl::SqlEnum(_) => "enum",
                        Decl::Touches(_) => "touches",
                        Decl::Unseen(_) => "UNSEEN",
                    };
                    outln!("{}:{} {} ({} {kind})", site.file, site.line, site.item, site.source);
                    if let Decl::Unseen(u) = &site.decl {
                        outln!("    `{}`: {}", u.call, u.reason);
                    }
                    for u in &res.columns {
                        let vals = if u.values.is_empty() {
                            String::new()
                        } else {
                            format!(" = {}", u.values.iter().map(|v| format!("'{v}'")).collect::<Vec<_>>().join(" | "))
                        };
                        outln!("    {} {}.{}{vals}", u.access.verb(), u.table, u.column);
                    }
                    for pr in &res.problems {
                        outln!("    problem: {}", pr.message);
                    }
                }
            }
        }
    }
    match a.format {
        SimpleFormat::Json => outln!("{}", serde_json::to_string_pretty(&serde_json::json!({ "sites": sites_json, "coverage": coverage }))?),
        SimpleFormat::Human => outln!("\n{}", crate::report::describe_coverage(&coverage)),
    }
    Ok(0)
}

/// The rules reference (`docs/rules.md`), generated from the rule metadata.
pub fn rules_markdown() -> String {
    use migsafe_core::rules::REGISTRY;
    let mut s = String::from("# Rules\n\n<!-- Generated from the rules' metadata by `UPDATE_DOCS=1 cargo test -p cargo-migsafe --test docs`; do not edit. -->\n\n| rule | severity | about | engines | what it catches |\n| --- | --- | --- | --- | --- |\n");
    for r in REGISTRY {
        let m = r.meta;
        s.push_str(&format!("| [`{id}`](#{id}) | {} | {} | {} | {} |\n", m.severity, m.category.describe(), m.dialects_text(), m.summary, id = m.id));
    }
    for r in REGISTRY {
        let m = r.meta;
        s.push_str(&format!(
            "\n## {}\n\nSeverity: {}. About: {}. Engines: {}. {}\n\n{}\n",
            m.id,
            m.severity,
            m.category.describe(),
            m.dialects_text(),
            m.summary,
            m.explain
        ));
    }
    s
}

fn run_explain(a: ExplainArgs) -> Result<u8> {
    use migsafe_core::rules::{find, REGISTRY};
    match a.rule {
        None => {
            outln!("Rules (cargo migsafe explain <RULE> for details):\n");
            for r in REGISTRY {
                outln!("  {:<32} {:<8} {}", r.meta.id, r.meta.severity.to_string(), r.meta.summary);
            }
            Ok(0)
        }
        Some(id) => match find(&id) {
            Some(r) => {
                let m = r.meta;
                outln!("# {} ({}; {}; {})\n\n{}\n\n{}", m.id, m.severity, m.category.describe(), m.dialects_text(), m.summary, m.explain);
                Ok(0)
            }
            None => {
                let ids: Vec<&str> = REGISTRY.iter().map(|r| r.meta.id).collect();
                let hint = migsafe_core::suggest::did_you_mean(&id, ids.iter().copied()).map(|s| format!("; did you mean `{s}`?")).unwrap_or_default();
                bail!("no rule `{id}`{hint} (`cargo migsafe explain` lists them)")
            }
        },
    }
}
