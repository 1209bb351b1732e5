//! `cargo migsafe rehearse`: the rollback drill. Unlike `check`, it builds
//! and runs the service's code: a scratch database migrated to N-1's schema
//! and then N's pending migrations, N's tests run against it, then N-1's
//! tests (from a temporary git worktree, with N's migrations folder in
//! place of its own), and which of them fail on the new schema.
//!
//! Cleanup is by guards: the [`scratch::Scratch`] database and the
//! [`process::Workspace`] worktree are dropped on every way out, and an
//! interrupt (Ctrl-C, SIGTERM, SIGHUP) stops the running `cargo test` and
//! unwinds to those drops.

pub mod bookkeeping;
pub mod libtest;
pub mod process;
pub mod report;
pub mod scratch;

use crate::commands::{place, InputErrors, SimpleFormat};
use crate::project::{discover, Database, Selection};
use crate::tree::Tree;
use crate::{git, load, ManifestArg};
use anyhow::{anyhow, bail, Context as _, Result};
use migsafe_core::migrations::{discover as discover_migrations, Migration};
use migsafe_core::{short_sha, Severity};
use process::{check_interrupt, Workspace};
use report::{Outcome, Rehearsal, SuiteRun};
use scratch::{redact, DbUrl, Scratch};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The first line `rehearse` prints, and what its `--help` says first.
pub const OPT_IN: &str = "rehearse builds and runs this project's code (N's and N-1's test suites, with `cargo test`) against a scratch database";

#[derive(clap::Args, Debug)]
pub struct RehearseArgs {
    /// The revision N-1 runs [default: as `check` chooses it]
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,
    /// A database server to make the scratch database on: postgres://…, mysql://… (mariadb://…), or sqlite: (a temporary file is used)
    #[arg(long, value_name = "URL")]
    pub database_url: String,
    #[command(flatten)]
    pub manifest: ManifestArg,
    #[command(flatten)]
    pub select: Selection,
    /// Output format
    #[arg(long, value_enum, default_value_t = SimpleFormat::Human)]
    pub format: SimpleFormat,
    /// Arguments given to both `cargo test` runs (before a `--`, e.g. `--test db`)
    #[arg(long = "cargo-test-arg", value_name = "ARG", allow_hyphen_values = true)]
    pub cargo_test_args: Vec<String>,
    /// How long each `cargo test` (its build included) may run before it is stopped and reported as timed out: `90s`, `15m`, `1h`
    #[arg(long, value_name = "DURATION", default_value = "60m", value_parser = parse_timeout)]
    pub timeout: std::time::Duration,
}

/// A `--timeout`: a duration as humantime reads it (`90s`, `15m`, `1h 30m`), more than zero.
fn parse_timeout(text: &str) -> Result<std::time::Duration, String> {
    match humantime::parse_duration(text) {
        Ok(d) if d.is_zero() => Err("a timeout of zero would stop every suite before it starts".into()),
        Ok(d) => Ok(d),
        Err(e) => Err(format!("{e} (write a duration such as `90s`, `15m` or `1h`)")),
    }
}

pub fn run(a: RehearseArgs) -> Result<u8> {
    eprintln!("note: {OPT_IN}");
    let p = place(&a.manifest)?;
    if !p.in_git {
        return Err(git::RevError::NotARepo(p.root.display().to_string()).into());
    }
    let server = DbUrl::parse(&a.database_url)?;
    let head_tree = Tree::work(&p.root, true)?;
    let project = discover(&head_tree, &p.manifest, &a.select)?;
    let db = match project.databases.as_slice() {
        [db] => db.clone(),
        [] => bail!("{}: no package with migrations is selected", p.manifest),
        dbs => bail!(
            "rehearse drills one database, and the selected packages use {} ({}): choose one with -p",
            dbs.len(),
            dbs.iter().map(|d| d.migrations.as_str()).collect::<Vec<_>>().join(", ")
        ),
    };
    if server.dialect != db.dialect {
        return Err(scratch::ScratchError::Mismatch { url: server.dialect, dialect: db.dialect }.into());
    }
    let (base_ref, base_sha) = git::default_base(&p.root, a.base.as_deref())?;
    let base_tree = Tree::git(&p.root, &base_sha)?;
    let head_migrations = read_migrations(&head_tree, &db, true, "N (working tree)")?;
    let base_db = discover(&base_tree, &p.manifest, &a.select).ok().and_then(|bp| bp.same_database(&db).cloned());
    let base_migrations = read_migrations(&base_tree, base_db.as_ref().unwrap_or(&db), false, &format!("N-1 ({})", short_sha(&base_sha, 7)))?;
    let pending: Vec<&Migration> = head_migrations.iter().filter(|m| !base_migrations.iter().any(|b| b.id == m.id)).collect();
    eprintln!(
        "    Rehearsing N-1 ({}, {base_ref}) on the schema after N's {} pending migration(s), {} database {}",
        short_sha(&base_sha, 7),
        pending.len(),
        db.dialect,
        redact(&a.database_url)
    );

    process::install_handler()?;
    let unique = unique_name();
    let mut scratch = Scratch::create(&server, &unique)?;
    eprintln!("    Created the scratch database {}", scratch.name());
    for m in base_migrations.iter().chain(pending.iter().copied()) {
        check_interrupt()?;
        scratch.apply(db.dialect, m).with_context(|| format!("applying {} to the scratch database", m.up.path))?;
    }
    scratch.disconnect();

    let manifest = p.root.join(&p.manifest);
    let target_dir = target_dir(&p.root, &manifest);
    eprintln!("    Running N's tests (working tree) against {}", scratch.name());
    let head = run_suite(&manifest, &scratch.url, &target_dir, None, &a.cargo_test_args, a.timeout)?;

    let mut ws = Workspace::create(&p.root, &unique).context("cannot create the temporary folder for N-1's worktree")?;
    let wt = ws.add_worktree(&base_sha)?;
    // N-1's own migrations, kept beside the worktree: migsafe's macros check
    // N-1's code against them, as they did when N-1 was released (against
    // N's, code that N renamed away from would not compile at all).
    let own = ws.dir.join("n-1-migrations");
    let folder = &base_db.as_ref().unwrap_or(&db).migrations;
    swap_migrations(&p.root, &wt, folder, &db.migrations, &own)?;
    eprintln!("    Running N-1's tests ({}, with N's migrations) against {}", short_sha(&base_sha, 7), scratch.name());
    let base = run_suite(&wt.join(&p.manifest), &scratch.url, &target_dir, Some(&own), &a.cargo_test_args, a.timeout)?;

    let r = Rehearsal {
        base: base_sha.clone(),
        dialect: db.dialect.to_string(),
        database: scratch.name().to_string(),
        applied: base_migrations.iter().map(|m| m.up.path.clone()).collect(),
        pending: pending.iter().map(|m| m.up.path.clone()).collect(),
        head,
        base_tests: base,
    };
    drop(ws);
    drop(scratch);
    match a.format {
        SimpleFormat::Human => report::human(&r),
        SimpleFormat::Json => outln!("{}", serde_json::to_string_pretty(&report::json(&r))?),
    }
    Ok(r.exit_code())
}

/// `migsafe_rehearse_<pid>_<random>`: unique across processes and runs, and
/// a plain identifier on every engine.
fn unique_name() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or_default());
    format!("migsafe_rehearse_{}_{:08x}", std::process::id(), h.finish() as u32)
}

fn read_migrations(tree: &Tree, db: &Database, must_exist: bool, rev: &str) -> Result<Vec<Migration>> {
    let (src, mut diags) = load::migrations(tree, db, must_exist).map_err(|e| anyhow!(e))?;
    let (migrations, more) = discover_migrations(&src);
    diags.extend(more);
    let errors: Vec<_> = diags.into_iter().filter(|d| d.severity == Severity::Error).collect();
    if !errors.is_empty() {
        return Err(InputErrors { what: format!("the drill cannot run: the migrations of {rev} cannot be read"), diagnostics: errors }.into());
    }
    Ok(migrations)
}

/// The target folder both runs share (N-1's build reuses N's dependencies):
/// `CARGO_TARGET_DIR`, else the `target` beside the workspace's root manifest.
fn target_dir(root: &Path, manifest: &Path) -> PathBuf {
    if let Some(t) = std::env::var_os("CARGO_TARGET_DIR").filter(|t| !t.is_empty()) {
        return PathBuf::from(t);
    }
    let mut dir = manifest.parent().unwrap_or(root).to_path_buf();
    // The outermost Cargo.toml with a [workspace] inside the repository, else the package's own folder.
    let mut found = dir.clone();
    while dir.starts_with(root) {
        let text = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap_or_default();
        if text.lines().any(|l| l.trim() == "[workspace]") {
            found = dir.clone();
        }
        if !dir.pop() {
            break;
        }
    }
    found.join("target")
}

/// Put N's migrations folder in place of N-1's in the worktree, and keep
/// N-1's own in `own`.
fn swap_migrations(root: &Path, wt: &Path, base_folder: &str, head_folder: &str, own: &Path) -> Result<()> {
    let theirs = wt.join(base_folder);
    if theirs.is_dir() {
        std::fs::rename(&theirs, own).with_context(|| format!("cannot move N-1's {}", theirs.display()))?;
    } else {
        std::fs::create_dir_all(own)?;
    }
    copy_dir(&root.join(head_folder), &wt.join(base_folder)).with_context(|| format!("cannot copy N's {head_folder} into the worktree"))
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for e in std::fs::read_dir(from)? {
        let e = e?;
        let dest = to.join(e.file_name());
        if e.file_type()?.is_dir() {
            copy_dir(&e.path(), &dest)?;
        } else {
            std::fs::copy(e.path(), dest)?;
        }
    }
    Ok(())
}

/// `cargo test --no-fail-fast` on `manifest` with `DATABASE_URL` set, stopped
/// past `limit`; its outcome.
fn run_suite(manifest: &Path, url: &str, target: &Path, own_migrations: Option<&Path>, extra: &[String], limit: std::time::Duration) -> Result<SuiteRun> {
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.arg("test").arg("--no-fail-fast").arg("--manifest-path").arg(manifest).args(extra).args(["--", "--color", "never"]);
    cmd.env("DATABASE_URL", url).env("CARGO_TARGET_DIR", target).env("CARGO_TERM_COLOR", "never");
    // A failure's first lines are its message, not a backtrace.
    cmd.env("RUST_BACKTRACE", "0");
    cmd.current_dir(manifest.parent().unwrap_or(Path::new(".")));
    match own_migrations {
        Some(dir) => cmd.env("MIGSAFE_MIGRATIONS_DIR", dir),
        None => cmd.env_remove("MIGSAFE_MIGRATIONS_DIR"),
    };
    // sqlx's macros check against DATABASE_URL when online: N-1 compiles
    // against its own offline data (`.sqlx`), as it did when released.
    if own_migrations.is_some() {
        cmd.env("SQLX_OFFLINE", "true");
    }
    let out = process::run_for(cmd, true, Some(limit))?;
    let suite = libtest::parse(&out.stdout, &out.stderr);
    let built = out.stderr.lines().any(|l| l.trim_start().starts_with("Running ") || l.trim_start().starts_with("Doc-tests "));
    let outcome = if out.timed_out {
        // Stopped whatever it was doing: what it passed and failed until then is kept.
        Outcome::TimedOut { after: humantime::format_duration(limit).to_string(), building: !built, running: libtest::running(&out.stdout) }
    } else if out.status.success() {
        Outcome::Passed
    } else if !built {
        Outcome::BuildFailed { errors: libtest::build_errors(&out.stderr) }
    } else if suite.failed.is_empty() {
        // A test binary that crashed (a signal, an abort) names no failing test.
        Outcome::Crashed { status: out.status.to_string() }
    } else {
        Outcome::Failed
    };
    Ok(SuiteRun { outcome, suite })
}
