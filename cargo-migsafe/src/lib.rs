//! `cargo migsafe`: the command line. Parses arguments, does the IO, calls
//! the analysis core, prints, and owns the exit status: 0 safe, 1 an
//! error-level finding, 2 the check could not be made.
//!
//! The library half exists so that integration tests can drive the
//! renderers and the revision loading; `main.rs` only calls [`main_with_args`].

/// `println!` that survives a closed stdout: `cargo migsafe explain | head -1`
/// stops reading early, and the rest of the output is dropped instead of
/// panicking; the exit status is still the command's.
macro_rules! outln {
    ($($arg:tt)*) => { $crate::write_stdout(format_args!($($arg)*)) };
}

/// Write one line to stdout, unless the reader has gone away (then nothing more is written).
pub(crate) fn write_stdout(args: std::fmt::Arguments) {
    use std::io::Write;
    use std::sync::atomic::{AtomicBool, Ordering};
    static CLOSED: AtomicBool = AtomicBool::new(false);
    if CLOSED.load(Ordering::Relaxed) {
        return;
    }
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_fmt(args).and_then(|_| out.write_all(b"\n")).and_then(|_| out.flush()) {
        CLOSED.store(true, Ordering::Relaxed);
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("error: cannot write to stdout: {e}");
        }
    }
}

pub mod commands;
pub mod git;
pub mod load;
pub mod par;
pub mod project;
pub mod rehearse;
pub mod render;
pub mod repo;
pub mod report;
pub mod tree;
pub mod verify;

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

/// Prove that a code rollback needs no schema rollback.
///
/// migsafe reads the columns your code touches (sqlx, diesel, SeaORM,
/// tokio-postgres, rusqlite and mysql code as it is, and migsafe's own `sql!`,
/// `#[derive(Table)]`, `#[derive(SqlEnum)]` and `#[touches]`) at the previous
/// release (N-1, from git) and at the working tree (N), and checks both against
/// the schema the pending migrations build. Database calls whose SQL it cannot
/// read are reported, and make the verdict `unproven`, never `safe`.
#[derive(Parser, Debug)]
#[command(name = "cargo-migsafe", bin_name = "cargo migsafe", version, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check that N-1 and N both work on the schema after the pending migrations
    Check(commands::CheckArgs),
    /// Print the schema the migrations build
    Schema(commands::RevArgs),
    /// Print what the code touches: every query, mapped struct, enum and #[touches] found, with its source, and the calls whose SQL cannot be read
    Footprint(commands::RevArgs),
    /// Explain a rule (or list them all)
    Explain(commands::ExplainArgs),
    /// Rollback drill (opt-in: BUILDS AND RUNS the project's code): migrate a scratch database to N's schema, run N's tests and N-1's on it
    ///
    /// Opt-in: unlike `check`, this builds and runs this project's code (N's and N-1's test suites,
    /// with `cargo test`). It creates a scratch database on the --database-url server, applies N-1's
    /// migrations and then N's pending ones, runs N's tests with DATABASE_URL set to it, then checks
    /// N-1 out in a temporary git worktree with N's migrations folder in place of its own and runs
    /// N-1's tests against the same database. It reports which tests fail on the new schema, and drops
    /// the database and removes the worktree, also when interrupted. Exit 0: every test passes; 1: a
    /// test of N-1 or N fails on the new schema; 2: the drill could not run.
    Rehearse(rehearse::RehearseArgs),
    /// Compare a live database with the migrations (drift) and check the code's footprint against it
    Verify(verify::VerifyArgs),
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Github,
    /// GitLab's code quality report (Code Climate JSON)
    Gitlab,
}

#[derive(clap::Args, Debug, Clone)]
pub struct ManifestArg {
    /// Path to Cargo.toml
    #[arg(long, value_name = "PATH")]
    pub manifest_path: Option<PathBuf>,
}

/// Run with these arguments (`argv[0]` first) and return the exit status.
pub fn main_with_args(mut args: Vec<std::ffi::OsString>) -> ExitCode {
    // As a cargo subcommand we are run as `cargo-migsafe migsafe …`.
    if args.get(1).is_some_and(|a| a == "migsafe") {
        args.remove(1);
    }
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let format = match &cli.command {
        Command::Check(a) => a.format,
        Command::Rehearse(a) if a.format == commands::SimpleFormat::Json => Format::Json,
        Command::Verify(a) if a.format == commands::SimpleFormat::Json => Format::Json,
        _ => Format::Human,
    };
    match commands::run(cli.command) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {e:#}");
            // Scripts and CI read stdout: the failure in their format too.
            if format != Format::Human {
                outln!("{}", render::failure::render(format, &e));
            }
            ExitCode::from(2)
        }
    }
}
