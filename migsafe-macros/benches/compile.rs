//! What the macros cost a build: `cargo check` of a crate with 1,000 annotated
//! sites against lemmy's schema, versus the same crate with plain string
//! literals and no derives.
//!
//! Run (from the workspace root; builds into its own temp dir, a few minutes):
//!
//! ```sh
//! cargo bench -p migsafe-macros --bench compile
//! # options (environment):
//! #   MIGSAFE_CORPUS=/path/to/lemmy-postgres   default: <workspace>/../shared/corpus/lemmy-postgres
//! #   MIGSAFE_BENCH_RUNS=7                     timed `cargo check` runs per crate
//! #   MIGSAFE_BENCH_SITES=1000                 annotated sites
//! #   MIGSAFE_BENCH_KEEP=1                     keep the generated crates (their path is printed)
//! ```
//!
//! Each crate is built once (dependencies and the proc macro included), then
//! each timed run touches one source file and runs `cargo check`, so it
//! measures what an edit costs: re-expanding every macro and re-checking the
//! crate. The annotated crate is measured with the default dev profile (the
//! proc macro and sqlparser unoptimized) and with `[profile.dev.build-override]
//! opt-level = 3` (what sqlx recommends for its macros), each in two states:
//!
//! - warm: the macros' disk cache holds the schema and the annotations that
//!   passed (an edit to Rust code: what the target is about);
//! - cold: `MIGSAFE_NO_CACHE=1`, so every check builds the schema from the
//!   247 migrations and resolves every site (the first check after a
//!   migration changed, before the prefix cache);
//! - added: the cache on, and before each check a new migration after every
//!   other (as a release adds one): the cached schema of the migrations
//!   before it gets only the new one applied; an annotation that passed and
//!   names nothing the migration changed passes again without being
//!   resolved. "added" adds a table (no site names it); "altered" adds a
//!   column to lemmy's `person`, so the sites that name it are resolved again.
//!
//! Runs are interleaved: each round times every configuration once.
//!
//! The annotated crates use migsafe-runtime's default features (the checks
//! only); one more, warm, enables `footprint`, which also records every site
//! in the binary (what `footprint()` and the start-up guard read).
//!
//! The medians and the differences to the plain crate are printed; the target
//! is ≤ 0.25 s.

use migsafe_core::migrations::{MigrationSource, SourceFile};
use migsafe_core::schema::{analyze, Family, Schema};
use migsafe_core::Dialect;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

const MODULES: usize = 10;

fn main() -> ExitCode {
    // `cargo bench` passes `--bench`; nothing else is accepted.
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let workspace = manifest_dir.parent().unwrap_or(manifest_dir);
    let corpus = std::env::var_os("MIGSAFE_CORPUS").map(PathBuf::from).unwrap_or_else(|| workspace.join("../shared/corpus/lemmy-postgres"));
    if !corpus.is_dir() {
        eprintln!("compile bench: the lemmy corpus is not at {}; set MIGSAFE_CORPUS to a lemmy-postgres migrations folder (diesel layout)", corpus.display());
        return ExitCode::from(2);
    }
    let corpus = corpus.canonicalize().unwrap_or(corpus);
    let runs: usize = std::env::var("MIGSAFE_BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(7).max(1);
    let sites: usize = std::env::var("MIGSAFE_BENCH_SITES").ok().and_then(|v| v.parse().ok()).unwrap_or(1000).max(MODULES);

    let schema = match load_schema(&corpus) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("compile bench: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = workspace.join("migsafe-runtime");
    let root = std::env::temp_dir().join(format!("migsafe-compile-bench-{}", std::process::id()));
    let target = root.join("target");
    let plain = root.join("plain");
    let macros = root.join("macros");
    let macros_opt = root.join("macros-opt");
    let macros_fp = root.join("macros-footprint");
    let (added, added_opt, altered) = (root.join("macros-added"), root.join("macros-opt-added"), root.join("macros-altered"));
    let (plain_src, macro_src) = generate(&schema, sites);
    let crates = [
        (&plain, &plain_src, "bench-plain", false, false),
        (&macros, &macro_src, "bench-macros", false, false),
        (&macros_opt, &macro_src, "bench-macros-opt", true, false),
        (&added, &macro_src, "bench-macros-added", false, false),
        (&added_opt, &macro_src, "bench-macros-opt-added", true, false),
        (&altered, &macro_src, "bench-macros-altered", false, false),
        (&macros_fp, &macro_src, "bench-macros-footprint", false, true),
    ];
    for (dir, modules, name, opt, footprint) in crates {
        if let Err(e) = write_crate(dir, name, &runtime, &corpus, modules, opt, footprint) {
            eprintln!("compile bench: cannot write {}: {e}", dir.display());
            return ExitCode::from(2);
        }
    }
    let t0 = Instant::now();
    let analyzed = analyze_time(&corpus);
    println!("lemmy schema: {} tables; parsing its migrations takes {:.3} s in this (optimized) process", schema.tables.len(), analyzed.as_secs_f64());
    println!("generated {sites} sites in {MODULES} modules under {}", root.display());

    // (crate, label, cold, the migration each run adds: none, a new table, or a column of a table the sites use)
    let configs = [
        (&plain, "plain literals", false, Added::None),
        (&macros, "macros, warm", false, Added::None),
        (&macros, "macros, cold", true, Added::None),
        (&macros_opt, "opt 3, warm", false, Added::None),
        (&macros_opt, "opt 3, cold", true, Added::None),
        (&added, "macros, added", false, Added::Table),
        (&added_opt, "opt 3, added", false, Added::Table),
        (&macros_fp, "footprint, warm", false, Added::None),
        (&altered, "macros, altered", false, Added::Column),
    ];
    // The first build of each compiles the dependencies (shared target dir) and
    // the proc macro, and (warm) fills the macros' disk cache.
    for (dir, what, cold, _) in configs {
        if let Err(e) = check(dir, &target, cold) {
            eprintln!("compile bench: the {what} crate does not build:\n{e}");
            return ExitCode::FAILURE;
        }
    }
    // Runs interleaved (each round times every configuration once), so a
    // change in the machine's load falls on all of them alike.
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); configs.len()];
    for i in 0..runs {
        for (k, (dir, what, cold, add)) in configs.iter().enumerate() {
            let file = dir.join("src").join(format!("m{}.rs", i % MODULES));
            add.write(dir, i);
            touch(&file);
            let t = Instant::now();
            if let Err(e) = check(dir, &target, *cold) {
                eprintln!("compile bench: {what}: {e}");
                return ExitCode::FAILURE;
            }
            times[k].push(t.elapsed());
        }
    }
    let mut medians = Vec::new();
    for ((_, what, _, _), mut t) in configs.iter().zip(times) {
        t.sort();
        let median = t[t.len() / 2];
        println!(
            "{what:>15}: median {:.3} s over {runs} runs of touch + cargo check (min {:.3} s, max {:.3} s)",
            median.as_secs_f64(),
            t[0].as_secs_f64(),
            t[t.len() - 1].as_secs_f64()
        );
        medians.push(median);
    }
    for (k, label) in [
        (1, "default dev profile, warm cache"),
        (2, "default dev profile, cold (schema built)"),
        (3, "build-override opt-level = 3, warm cache"),
        (4, "build-override opt-level = 3, cold (schema built)"),
        (5, "default dev profile, a migration adding a table (applied to the cached schema; passes carried over)"),
        (6, "build-override opt-level = 3, a migration adding a table"),
        (7, "feature `footprint` (each site also recorded in the binary, for footprint() and the guard), warm cache"),
        (8, "default dev profile, a migration adding a column to `person` (the sites naming it checked again)"),
    ] {
        let diff = medians[k].as_secs_f64() - medians[0].as_secs_f64();
        println!("macros add {diff:+.3} s per check of a crate with {sites} sites: {label} (target: <= 0.250 s)");
    }
    println!("total bench time {:.0} s", t0.elapsed().as_secs_f64());
    if std::env::var_os("MIGSAFE_BENCH_KEEP").is_none() {
        let _ = std::fs::remove_dir_all(&root);
    }
    ExitCode::SUCCESS
}

fn read_dir_sql(dir: &Path, base: &Path, out: &mut Vec<SourceFile>) -> std::io::Result<()> {
    for e in std::fs::read_dir(dir)? {
        let p = e?.path();
        if p.is_dir() {
            read_dir_sql(&p, base, out)?;
        } else if p.extension().is_some_and(|x| x == "sql") {
            let rel = p.strip_prefix(base).unwrap_or(&p).to_string_lossy().replace('\\', "/");
            out.push(SourceFile::new(rel, std::fs::read_to_string(&p)?));
        }
    }
    Ok(())
}

fn load_schema(corpus: &Path) -> Result<Schema, String> {
    let mut files = Vec::new();
    read_dir_sql(corpus, corpus, &mut files).map_err(|e| format!("cannot read {}: {e}", corpus.display()))?;
    let h = analyze(Dialect::Postgres, &MigrationSource::new("lemmy", files));
    if let Some(d) = h.errors().next() {
        return Err(format!("the corpus does not parse: {d}"));
    }
    Ok(h.schema)
}

fn analyze_time(corpus: &Path) -> Duration {
    let t = Instant::now();
    let _ = load_schema(corpus);
    t.elapsed()
}

/// A Rust type that decodes this column (or one the derive does not judge).
fn rust_type(f: Family) -> &'static str {
    match f {
        Family::Int(2) => "i16",
        Family::Int(4) => "i32",
        Family::Int(8) => "i64",
        Family::Float(4) => "f32",
        Family::Float(8) => "f64",
        Family::Text { .. } => "String",
        Family::Bool => "bool",
        _ => "Opaque",
    }
}

/// A quoted (possibly qualified) identifier.
fn q(id: &str) -> String {
    id.split('.').map(|p| format!("\"{p}\"")).collect::<Vec<_>>().join(".")
}

/// Two versions of the same modules: (plain, annotated).
fn generate(schema: &Schema, sites: usize) -> (Vec<String>, Vec<String>) {
    let tables: Vec<_> = schema.tables.iter().filter(|(_, t)| t.columns.len() >= 2).collect();
    let mut plain = vec![String::new(); MODULES];
    let mut macros = vec![String::new(); MODULES];
    for m in 0..MODULES {
        plain[m].push_str("#![allow(dead_code)]\n#[allow(unused_imports)]\nuse crate::Opaque;\n\n");
        macros[m]
            .push_str("#![allow(dead_code)]\n#[allow(unused_imports)]\nuse crate::Opaque;\n#[allow(unused_imports)]\nuse migsafe_runtime::{sql, Table};\n\n");
    }
    for i in 0..sites {
        let (key, t) = tables[i % tables.len()];
        let m = i % MODULES;
        // The schema key: `table`, or `schema.table` outside `public`.
        let name = key.as_str();
        let cols: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
        if i % 5 == 4 {
            // A Table struct over the table's first columns (up to 6).
            let mut fields_plain = String::new();
            let mut fields_macro = String::new();
            for (k, c) in t.columns.iter().take(6).enumerate() {
                let ty = rust_type(c.ty.family);
                let ty = if c.nullable { format!("Option<{ty}>") } else { ty.to_string() };
                let _ = writeln!(fields_plain, "    pub f{k}: {ty},");
                let _ = writeln!(fields_macro, "    #[migsafe(column = \"{}\")]\n    pub f{k}: {ty},", c.name);
            }
            let _ = writeln!(plain[m], "pub struct Row{i} {{\n{fields_plain}}}\n");
            let _ = writeln!(macros[m], "#[derive(Table)]\n#[migsafe(table = \"{name}\")]\npub struct Row{i} {{\n{fields_macro}}}\n");
            continue;
        }
        let pick: Vec<&str> = (0..cols.len().min(4)).map(|k| cols[(i + k) % cols.len()]).collect();
        let sql = match i % 5 {
            0 | 1 => format!(
                "SELECT {} FROM {} WHERE {} = $1 ORDER BY {} LIMIT 50",
                pick.iter().map(|c| q(c)).collect::<Vec<_>>().join(", "),
                q(name),
                q(pick[0]),
                q(pick[1 % pick.len()])
            ),
            2 => format!("UPDATE {} SET {} = $1 WHERE {} = $2", q(name), q(pick[1 % pick.len()]), q(pick[0])),
            _ => {
                let required: Vec<&str> = t.columns.iter().filter(|c| c.required()).map(|c| c.name.as_str()).collect();
                let cols: Vec<&str> = if required.is_empty() { vec![pick[0]] } else { required };
                let params: Vec<String> = (1..=cols.len()).map(|n| format!("${n}")).collect();
                format!("INSERT INTO {} ({}) VALUES ({})", q(name), cols.iter().map(|c| q(c)).collect::<Vec<_>>().join(", "), params.join(", "))
            }
        };
        let lit = format!("{sql:?}");
        let _ = writeln!(plain[m], "pub const Q{i}: &str = {lit};");
        let _ = writeln!(macros[m], "pub const Q{i}: &str = sql!({lit});");
    }
    (plain, macros)
}

/// `opt`: build the proc macro and its dependencies optimized, as sqlx recommends for its macros.
fn write_crate(dir: &Path, name: &str, runtime: &Path, corpus: &Path, modules: &[String], opt: bool, footprint: bool) -> std::io::Result<()> {
    std::fs::create_dir_all(dir.join("src"))?;
    let toml_path = |p: &Path| p.display().to_string().replace('\\', "/");
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[workspace]\n\n[dependencies]\nmigsafe-runtime = {{ path = \"{}\"{} }}\n\n[package.metadata.migsafe]\nmigrations = \"migrations\"\ndialect = \"postgres\"\n{}",
            toml_path(runtime),
            if footprint { ", features = [\"footprint\"]" } else { "" },
            if opt { "\n[profile.dev.build-override]\nopt-level = 3\n" } else { "" }
        ),
    )?;
    // A copy of the corpus: the manifest must name the folder relative to itself.
    copy_dir(corpus, &dir.join("migrations"))?;
    let mut lib = String::from("//! Generated by migsafe-macros/benches/compile.rs.\npub struct Opaque;\n");
    for (m, text) in modules.iter().enumerate() {
        let _ = writeln!(lib, "pub mod m{m};");
        std::fs::write(dir.join("src").join(format!("m{m}.rs")), text)?;
    }
    // The plain crate still depends on migsafe-runtime, so both check the same dependency graph.
    lib.push_str("#[allow(unused_imports)]\nuse migsafe_runtime as _;\n");
    std::fs::write(dir.join("src/lib.rs"), lib)
}

/// The migration a run adds before it checks (as a release adds one, after every other).
#[derive(Clone, Copy)]
enum Added {
    None,
    /// A new table: no site names it, so every pass carries over.
    Table,
    /// A column of lemmy's `person`: the sites that name `person` are checked again.
    Column,
}

impl Added {
    fn write(self, dir: &Path, i: usize) {
        let (up, down) = match self {
            Added::None => return,
            Added::Table => (format!("CREATE TABLE bench_added_{i} (id INT PRIMARY KEY, note TEXT);\n"), format!("DROP TABLE bench_added_{i};\n")),
            Added::Column => (format!("ALTER TABLE person ADD COLUMN bench_added_{i} TEXT;\n"), format!("ALTER TABLE person DROP COLUMN bench_added_{i};\n")),
        };
        let m = dir.join("migrations").join(format!("9999-12-31-{i:06}_bench_added"));
        let _ = std::fs::create_dir_all(&m);
        let _ = std::fs::write(m.join("up.sql"), up);
        let _ = std::fs::write(m.join("down.sql"), down);
    }
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &to.join(entry.file_name()))?;
        } else {
            std::fs::copy(entry.path(), to.join(entry.file_name()))?;
        }
    }
    Ok(())
}

/// Bump a file's modification time (rewrite it unchanged).
fn touch(file: &Path) {
    if let Ok(text) = std::fs::read(file) {
        std::thread::sleep(Duration::from_millis(20));
        let _ = std::fs::write(file, text);
    }
}

/// `cold`: without the macros' disk cache (`MIGSAFE_NO_CACHE=1`).
fn check(dir: &Path, target: &Path, cold: bool) -> Result<(), String> {
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    if cold {
        cmd.env("MIGSAFE_NO_CACHE", "1");
    } else {
        cmd.env_remove("MIGSAFE_NO_CACHE");
    }
    let out = cmd
        .arg("check")
        .arg("--quiet")
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("MIGSAFE_MIGRATIONS_DIR")
        .env_remove("MIGSAFE_DIALECT")
        .env_remove("RUSTFLAGS")
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        let err = String::from_utf8_lossy(&out.stderr);
        Err(err.chars().take(4000).collect())
    }
}
