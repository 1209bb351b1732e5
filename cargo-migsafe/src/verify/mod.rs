//! `cargo migsafe verify --database-url URL [--rev REV]`: a live database
//! against a revision, without running any of the service's code. (a) The
//! schema REV's migrations build against the live catalog: every drift,
//! with the migration that should have made it (`migsafe_core::live::drift`);
//! (b) REV's footprint (annotations and every library source `check` reads,
//! through the same loader) resolved against the live catalog as the
//! start-up guard does (`migsafe_core::live::verify`). This module parses
//! the arguments, renders, and chooses the exit status: 0 nothing wrong,
//! 1 an error-level finding, 2 the comparison could not be made.

pub mod db;

use crate::commands::{announce, fail_on_errors, place, tree_for, SimpleFormat};
use crate::load::{load, ScanCache};
use crate::project::{discover, Selection};
use crate::ManifestArg;
use anyhow::{anyhow, bail, Result};
use migsafe_core::annotations::Decl;
use migsafe_core::live::{drift::drift, schema_from_catalog, verify_as};
use migsafe_core::rules::Finding;
use migsafe_core::Severity;

#[derive(clap::Args, Debug)]
#[command(after_help = "\
Reads the database's catalog only (a few queries, one per kind of object); writes nothing. \
Exit status: 0 the database matches the migrations and the code works on it, 1 an error-level finding, \
2 the comparison could not be made (bad URL, unreachable server, unreadable migrations). \
With --rev set to the release you would roll back to, this answers \"can we roll back now?\" on the real database.")]
pub struct VerifyArgs {
    /// The live database: postgres://…, postgresql://…, mysql://…, mariadb://… or sqlite:PATH
    #[arg(long, value_name = "URL")]
    pub database_url: String,
    /// Compare with this git revision's migrations and code instead of the working tree's
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

/// What `verify` found.
struct Outcome {
    drift: Vec<Finding>,
    footprint: Vec<Finding>,
    sites: usize,
    unseen: usize,
    migrations: usize,
}

pub fn run(a: VerifyArgs) -> Result<u8> {
    let url = db::DbUrl::parse(&a.database_url)?;
    let p = place(&a.manifest)?;
    let (tree, sha) = tree_for(&p, a.rev.as_deref())?;
    let project = discover(&tree, &p.manifest, &a.select)?;
    announce(&project);
    let database = match project.databases.as_slice() {
        [one] => one,
        [] => bail!("no database to verify: no selected package has migrations"),
        many => bail!(
            "{} databases (migrations folders {}): select the one at {} with -p PACKAGE or --migrations DIR",
            many.len(),
            many.iter().map(|d| format!("`{}`", d.migrations)).collect::<Vec<_>>().join(", "),
            url.shown
        ),
    };
    if database.dialect != url.dialect {
        bail!(
            "the migrations in `{}` are {} ({}), but {} is a {} database",
            database.migrations,
            database.dialect,
            database.configured_by,
            url.shown,
            url.dialect
        );
    }
    let loaded = load(&tree, &project, database, sha.clone(), true, &ScanCache::default()).map_err(|e| anyhow!(e))?;
    fail_on_errors(&loaded.diagnostics, "the migrations or the sources cannot be read")?;
    let input = loaded.input;
    fail_on_errors(&input.history.diagnostics, "the migrations do not parse")?;
    if input.history.migrations.is_empty() {
        bail!(crate::load::no_migrations(database));
    }
    let rev = match (&a.rev, &sha) {
        (Some(r), Some(s)) => format!("{r} ({})", migsafe_core::short_sha(s, 7)),
        _ => "the working tree".to_string(),
    };
    let catalog = db::read(&url)?;
    let live = schema_from_catalog(catalog.dialect, &catalog.columns, &catalog.enums);
    let outcome = Outcome {
        drift: drift(&input.history, &catalog),
        footprint: verify_as(&live, &input.sites, &format!("the code of {rev}")),
        sites: input.sites.iter().filter(|s| !matches!(s.decl, Decl::Unseen(_))).count(),
        unseen: input.sites.iter().filter(|s| matches!(s.decl, Decl::Unseen(_))).count(),
        migrations: input.history.migrations.len(),
    };
    match a.format {
        SimpleFormat::Human => human(&outcome, &rev, &url.shown, &database.migrations),
        SimpleFormat::Json => outln!("{}", serde_json::to_string_pretty(&json(&outcome, &rev, &url)?)?),
    }
    let fails = outcome.drift.iter().chain(&outcome.footprint).any(|f| f.severity == Severity::Error);
    Ok(u8::from(fails))
}

fn human(o: &Outcome, rev: &str, url: &str, folder: &str) {
    for f in o.drift.iter().chain(&o.footprint) {
        outln!("{}[{}]: {}", f.severity, f.rule, f.message);
        if let Some(m) = &f.migration {
            outln!("  --> {}:{}", m.file, m.line);
        }
        for s in &f.sites {
            outln!("  --> {}:{}{}", s.file, s.line, if s.item.is_empty() { String::new() } else { format!(" ({})", s.item) });
        }
        outln!("  = help: {}", f.help);
    }
    let count = |v: &[Finding], s: Severity| v.iter().filter(|f| f.severity == s).count();
    outln!(
        "{url} against {rev} ({folder}, {} migrations): {} drift errors, {} drift warnings; {} of {} sites do not work on it{}",
        o.migrations,
        count(&o.drift, Severity::Error),
        count(&o.drift, Severity::Warning),
        o.footprint.iter().map(|f| (&f.sites[0].file, f.sites[0].line)).collect::<std::collections::BTreeSet<_>>().len(),
        o.sites,
        if o.unseen > 0 {
            format!("; {} database calls whose SQL cannot be read were not checked (see `cargo migsafe footprint`)", o.unseen)
        } else {
            String::new()
        }
    );
}

/// A finding in `check`'s wire form (`render::json::v1`): one JSON shape for a finding in every command.
fn finding_json(f: &Finding) -> serde_json::Result<serde_json::Value> {
    serde_json::to_value(crate::render::json::v1::finding(f))
}

fn json(o: &Outcome, rev: &str, url: &db::DbUrl) -> serde_json::Result<serde_json::Value> {
    Ok(serde_json::json!({
        "database": url.shown,
        "dialect": url.dialect,
        "revision": rev,
        "migrations": o.migrations,
        "drift": o.drift.iter().map(finding_json).collect::<Result<Vec<_>, _>>()?,
        "footprint": o.footprint.iter().map(finding_json).collect::<Result<Vec<_>, _>>()?,
        "sites": o.sites,
        "unseen": o.unseen,
        "fails": o.drift.iter().chain(&o.footprint).any(|f| f.severity == Severity::Error),
    }))
}
