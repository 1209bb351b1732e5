//! What adding migsafe costs a service's *first* build (issue 10, item 9): a
//! cold `cargo check` of a small sqlx service, without and with
//! `migsafe-runtime`, and the incremental check after an edit.
//!
//! Run (from the workspace root; builds into its own temp dirs, about 0.5 GB
//! each, removed as it goes). On an idle 2-core machine a cold check takes 40 s
//! without migsafe and 50 s with it, and the default three runs take about
//! 5 minutes in all; with other builds running, 15 minutes or more:
//!
//! ```sh
//! cargo bench -p migsafe-macros --bench cold_build
//! # options (environment):
//! #   MIGSAFE_BENCH_RUNS=3      cold (and warm) `cargo check` runs per crate
//! #   MIGSAFE_BENCH_KEEP=1      keep the generated crates and the last run's target dirs (their path is printed)
//! #   MIGSAFE_BENCH_TIMINGS=1   cold checks with `--timings` (with KEEP: the last run's reports are kept,
//! #                             in <target>/cargo-timings/, for which units migsafe adds or slows)
//! #   MIGSAFE_BENCH_RUNTIME=/path/to/migsafe-runtime   another migsafe to measure (an experiment in a copy
//! #                             of the repository); default: this workspace's
//! ```
//!
//! Two crates are generated, identical but for migsafe:
//!
//! - `plain`: sqlx 0.8 (`runtime-tokio`, `postgres`, `macros`, `migrate`),
//!   a `migrations` folder embedded with `sqlx::migrate!()`, a `FromRow`
//!   struct, a `sqlx::Type` enum and a few `sqlx::query("…")` calls (no
//!   `query!`: it needs a live database or offline data);
//! - `migsafe`: the same plus `migsafe-runtime` (by path, from this
//!   workspace), `[package.metadata.migsafe]`, the queries wrapped in `sql!`,
//!   and `#[derive(Table)]` / `#[derive(SqlEnum)]` on the struct and the enum.
//!
//! Both share one Cargo.lock (the migsafe crate's is the plain crate's plus
//! migsafe's own packages) and one already-populated cargo registry (one
//! untimed `cargo fetch` each); every timed build is `--frozen`. The migsafe
//! packages are compiled without incremental data, as a registry dependency
//! would be (`[profile.dev.package.<name>] incremental = false`).
//!
//! Each run, alternating between the crates (so background load hits both
//! alike), is:
//!
//! - cold: `cargo check` into a fresh `CARGO_TARGET_DIR` (every dependency,
//!   build script and proc macro compiled; the macros' schema cache is keyed
//!   by the proc macro's build, so it starts empty too);
//! - warm: touch `src/lib.rs`, `cargo check` again (an edit to the service).
//!
//! The medians, their difference and ratio are printed, of the wall time
//! and (on Linux) of the CPU time (user + system) of cargo and every process
//! it ran, which other load on the machine disturbs far less than the wall
//! time. Nothing is asserted about time; a build that fails fails the bench.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

const SQLX: &str = r#"sqlx = { version = "0.8", default-features = false, features = ["runtime-tokio", "postgres", "macros", "migrate"] }"#;

/// The migsafe packages a service builds (compiled non-incrementally, like a registry dependency).
const MIGSAFE_PACKAGES: [&str; 3] = ["migsafe-runtime", "migsafe-macros", "migsafe-core"];

const MIGRATIONS: [(&str, &str); 3] = [
    (
        "20240101000000_create_users.sql",
        "CREATE TABLE users (\n    id BIGSERIAL PRIMARY KEY,\n    email TEXT NOT NULL UNIQUE,\n    name TEXT,\n    created_at TIMESTAMPTZ NOT NULL DEFAULT now()\n);\n",
    ),
    (
        "20240102000000_create_orders.sql",
        "CREATE TYPE order_status AS ENUM ('pending', 'paid', 'cancelled');\n\nCREATE TABLE orders (\n    id BIGSERIAL PRIMARY KEY,\n    user_id BIGINT NOT NULL REFERENCES users (id),\n    status order_status NOT NULL DEFAULT 'pending',\n    total_cents BIGINT NOT NULL\n);\n",
    ),
    ("20240103000000_orders_by_user.sql", "CREATE INDEX orders_user_id ON orders (user_id);\n"),
];

/// The queries (each becomes `sqlx::query(Q)` or `sqlx::query(sql!(Q))`).
const QUERIES: [(&str, &str); 5] = [
    ("FIND_USER", "SELECT id, email, name FROM users WHERE email = $1"),
    ("INSERT_USER", "INSERT INTO users (email, name) VALUES ($1, $2) RETURNING id"),
    ("LIST_ORDERS", "SELECT id, user_id, status, total_cents FROM orders WHERE user_id = $1 ORDER BY id"),
    ("INSERT_ORDER", "INSERT INTO orders (user_id, total_cents) VALUES ($1, $2) RETURNING id"),
    ("MARK_PAID", "UPDATE orders SET status = 'paid' WHERE id = $1"),
];

fn main() -> ExitCode {
    // `cargo bench` passes `--bench`; nothing else is accepted.
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let workspace = manifest_dir.parent().unwrap_or(manifest_dir);
    let runtime = std::env::var_os("MIGSAFE_BENCH_RUNTIME").map(PathBuf::from).unwrap_or_else(|| workspace.join("migsafe-runtime"));
    let runtime = runtime.canonicalize().unwrap_or(runtime);
    if !runtime.join("Cargo.toml").is_file() {
        eprintln!("cold_build bench: no migsafe-runtime at {}", runtime.display());
        return ExitCode::from(2);
    }
    let runs: usize = std::env::var("MIGSAFE_BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(3).max(1);
    let keep = std::env::var_os("MIGSAFE_BENCH_KEEP").is_some();
    let timings = std::env::var_os("MIGSAFE_BENCH_TIMINGS").is_some();
    let root = std::env::temp_dir().join(format!("migsafe-cold-build-bench-{}", std::process::id()));
    // Removed on every way out (a failed build too): each target dir takes about 0.5 GB.
    let _cleanup = Cleanup { root: root.clone(), keep };
    let plain = root.join("plain");
    let migsafe = root.join("migsafe");
    for (dir, with) in [(&plain, false), (&migsafe, true)] {
        if let Err(e) = write_crate(dir, with.then_some(runtime.as_path())) {
            eprintln!("cold_build bench: cannot write {}: {e}", dir.display());
            return ExitCode::from(2);
        }
    }
    let t0 = Instant::now();
    println!("generated two crates under {}; migsafe-runtime from {}", root.display(), runtime.display());
    for var in ["RUSTC_WRAPPER", "CARGO_BUILD_RUSTC_WRAPPER", "RUSTFLAGS", "CARGO_ENCODED_RUSTFLAGS", "CARGO_INCREMENTAL", "CARGO_BUILD_JOBS"] {
        if std::env::var_os(var).is_some() {
            println!("note: {var} is set in the environment; the measured builds run without it");
        }
    }

    // Untimed: resolve once (the migsafe crate starts from the plain crate's
    // lock file, so sqlx's dependencies are the same versions) and fill the
    // shared registry.
    if let Err(e) = cargo(&plain, &["fetch"], None) {
        eprintln!("cold_build bench: `cargo fetch` of the plain crate failed:\n{e}");
        return ExitCode::FAILURE;
    }
    if let Err(e) = std::fs::copy(plain.join("Cargo.lock"), migsafe.join("Cargo.lock")) {
        eprintln!("cold_build bench: cannot copy Cargo.lock: {e}");
        return ExitCode::from(2);
    }
    if let Err(e) = cargo(&migsafe, &["fetch"], None) {
        eprintln!("cold_build bench: `cargo fetch` of the migsafe crate failed:\n{e}");
        return ExitCode::FAILURE;
    }

    let crates = [("plain", &plain), ("migsafe", &migsafe)];
    // Per crate: wall times, and CPU times (None where the platform does not tell).
    let mut cold: [Vec<Measured>; 2] = [Vec::new(), Vec::new()];
    let mut warm: [Vec<Measured>; 2] = [Vec::new(), Vec::new()];
    let cold_args: &[&str] = if timings { &["check", "--frozen", "--quiet", "--timings"] } else { &["check", "--frozen", "--quiet"] };
    for run in 0..runs {
        // Alternate which crate goes first, so a trend in background load does not favour one.
        let order: [usize; 2] = if run % 2 == 0 { [0, 1] } else { [1, 0] };
        for k in order {
            let (name, dir) = crates[k];
            let target = root.join(format!("target-{name}-{run}"));
            let _ = std::fs::remove_dir_all(&target);
            let c = match measure(|| cargo(dir, cold_args, Some(&target))) {
                Ok(m) => m,
                Err(e) => {
                    eprintln!("cold_build bench: cold `cargo check` of the {name} crate failed:\n{e}");
                    return ExitCode::FAILURE;
                }
            };
            touch(&dir.join("src/lib.rs"));
            let w = match measure(|| cargo(dir, &["check", "--frozen", "--quiet"], Some(&target))) {
                Ok(m) => m,
                Err(e) => {
                    eprintln!("cold_build bench: warm `cargo check` of the {name} crate failed:\n{e}");
                    return ExitCode::FAILURE;
                }
            };
            println!("run {}/{runs} {name:>7}: cold {}, warm {}", run + 1, c, w);
            cold[k].push(c);
            warm[k].push(w);
            // Only the last run's target dirs are kept (for `--timings` or a look); the others take gigabytes.
            if !keep || run + 1 < runs {
                let _ = std::fs::remove_dir_all(&target);
            }
        }
    }

    println!();
    for (what, times) in [("cold `cargo check` (fresh target dir)", &cold), ("warm `cargo check` (touch src/lib.rs)", &warm)] {
        let [p, m] = times;
        let wall = |v: &[Measured]| v.iter().map(|x| x.wall).collect::<Vec<_>>();
        // CPU times only when every run has one.
        let cpu = |v: &[Measured]| v.iter().map(|x| x.cpu).collect::<Option<Vec<_>>>();
        print_medians(&format!("{what}, wall time, median of {runs}"), &wall(p), &wall(m));
        if let (Some(pc), Some(mc)) = (cpu(p), cpu(m)) {
            print_medians(&format!("{what}, CPU time (user + sys), median of {runs}"), &pc, &mc);
        }
    }
    println!("total bench time {:.0} s", t0.elapsed().as_secs_f64());
    ExitCode::SUCCESS
}

/// Removes the bench's temp dir when dropped, unless MIGSAFE_BENCH_KEEP is set.
struct Cleanup {
    root: PathBuf,
    keep: bool,
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        if self.keep {
            println!("kept {}", self.root.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.root);
        }
    }
}

/// One timed build.
#[derive(Clone, Copy)]
struct Measured {
    wall: Duration,
    /// User + system time of every process the build ran (Linux only).
    cpu: Option<Duration>,
}

impl std::fmt::Display for Measured {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:7.2} s", self.wall.as_secs_f64())?;
        if let Some(cpu) = self.cpu {
            write!(f, " (CPU {:7.2} s)", cpu.as_secs_f64())?;
        }
        Ok(())
    }
}

fn measure(build: impl FnOnce() -> Result<(), String>) -> Result<Measured, String> {
    let cpu0 = children_cpu();
    let t = Instant::now();
    build()?;
    let wall = t.elapsed();
    let cpu = match (cpu0, children_cpu()) {
        (Some(a), Some(b)) => b.checked_sub(a),
        _ => None,
    };
    Ok(Measured { wall, cpu })
}

/// The user + system time of this process's waited-for children and their
/// descendants (`cutime` + `cstime` of /proc/self/stat), on Linux.
fn children_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command name (which is in parentheses and may hold spaces); the first is field 3.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks = |field: usize| fields.get(field - 3).and_then(|v| v.parse::<u64>().ok());
    // Clock ticks: USER_HZ, 100 on every Linux target Rust supports.
    Some(Duration::from_millis((ticks(16)? + ticks(17)?) * 10))
}

fn print_medians(what: &str, plain: &[Duration], migsafe: &[Duration]) {
    let (pm, mm) = (median(plain), median(migsafe));
    println!("{what}:");
    println!("  without migsafe: {:7.2} s (min {:.2}, max {:.2})", pm, min(plain), max(plain));
    println!("  with migsafe:    {:7.2} s (min {:.2}, max {:.2})", mm, min(migsafe), max(migsafe));
    println!("  difference:      {:+7.2} s, ratio {:.3}", mm - pm, if pm > 0.0 { mm / pm } else { f64::NAN });
}

fn secs(v: &[Duration]) -> Vec<f64> {
    let mut s: Vec<f64> = v.iter().map(Duration::as_secs_f64).collect();
    s.sort_by(f64::total_cmp);
    s
}

fn median(v: &[Duration]) -> f64 {
    let s = secs(v);
    let n = s.len();
    if n % 2 == 1 {
        s[n / 2]
    } else {
        (s[n / 2 - 1] + s[n / 2]) / 2.0
    }
}

fn min(v: &[Duration]) -> f64 {
    secs(v)[0]
}

fn max(v: &[Duration]) -> f64 {
    secs(v)[v.len() - 1]
}

/// One crate; `runtime`: the migsafe-runtime to depend on (None: the plain crate).
fn write_crate(dir: &Path, runtime: Option<&Path>) -> std::io::Result<()> {
    std::fs::create_dir_all(dir.join("src"))?;
    std::fs::create_dir_all(dir.join("migrations"))?;
    for (name, sql) in MIGRATIONS {
        std::fs::write(dir.join("migrations").join(name), sql)?;
    }
    // The same package name in both, so the lock file carries over and the crate's own build is the same work.
    let mut toml = String::from("[package]\nname = \"coldbench\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[workspace]\n\n[dependencies]\n");
    let _ = writeln!(toml, "{SQLX}");
    if let Some(runtime) = runtime {
        let path = runtime.display().to_string().replace('\\', "/");
        let _ = writeln!(toml, "migsafe-runtime = {{ path = \"{path}\" }}");
        toml.push_str("\n[package.metadata.migsafe]\nmigrations = \"migrations\"\ndialect = \"postgres\"\n");
        for p in MIGSAFE_PACKAGES {
            let _ = write!(toml, "\n[profile.dev.package.{p}]\nincremental = false\n");
        }
    }
    std::fs::write(dir.join("Cargo.toml"), toml)?;
    std::fs::write(dir.join("src/lib.rs"), lib_rs(runtime.is_some()))
}

fn lib_rs(migsafe: bool) -> String {
    let mut s = String::from("//! Generated by migsafe-macros/benches/cold_build.rs.\n#![allow(dead_code)]\n\n");
    s.push_str("use sqlx::{PgPool, Row};\n");
    if migsafe {
        s.push_str("use migsafe_runtime::{sql, SqlEnum, Table};\n");
    }
    s.push_str("\npub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!();\n\n");
    // The enum and the row struct.
    let (enum_derive, enum_attr, row_derive, row_attr) = if migsafe {
        (", SqlEnum", "#[migsafe(type = \"order_status\", rename_all = \"snake_case\")]\n", ", Table", "#[migsafe(table = \"orders\")]\n")
    } else {
        ("", "", "", "")
    };
    let _ = write!(
        s,
        "#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::Type{enum_derive})]\n#[sqlx(type_name = \"order_status\", rename_all = \"snake_case\")]\n{enum_attr}pub enum OrderStatus {{\n    Pending,\n    Paid,\n    Cancelled,\n}}\n\n"
    );
    let _ = write!(
        s,
        "#[derive(Debug, sqlx::FromRow{row_derive})]\n{row_attr}pub struct Order {{\n    pub id: i64,\n    pub user_id: i64,\n    pub status: OrderStatus,\n    pub total_cents: i64,\n}}\n\n"
    );
    let q = |name: &str| {
        let sql = QUERIES.iter().find(|(n, _)| *n == name).map(|(_, q)| *q).unwrap_or_default();
        if migsafe {
            format!("sql!({sql:?})")
        } else {
            format!("{sql:?}")
        }
    };
    let _ = write!(
        s,
        r#"pub async fn find_user(pool: &PgPool, email: &str) -> Result<Option<(i64, String, Option<String>)>, sqlx::Error> {{
    let row = sqlx::query({find}).bind(email).fetch_optional(pool).await?;
    Ok(row.map(|r| (r.get("id"), r.get("email"), r.get("name"))))
}}

pub async fn insert_user(pool: &PgPool, email: &str, name: Option<&str>) -> Result<i64, sqlx::Error> {{
    let row = sqlx::query({insert_user}).bind(email).bind(name).fetch_one(pool).await?;
    row.try_get("id")
}}

pub async fn list_orders(pool: &PgPool, user_id: i64) -> Result<Vec<Order>, sqlx::Error> {{
    let rows = sqlx::query({list}).bind(user_id).fetch_all(pool).await?;
    rows.iter().map(|r| <Order as sqlx::FromRow<_>>::from_row(r)).collect()
}}

pub async fn insert_order(pool: &PgPool, user_id: i64, total_cents: i64) -> Result<i64, sqlx::Error> {{
    let row = sqlx::query({insert_order}).bind(user_id).bind(total_cents).fetch_one(pool).await?;
    row.try_get("id")
}}

pub async fn mark_paid(pool: &PgPool, id: i64) -> Result<u64, sqlx::Error> {{
    Ok(sqlx::query({paid}).bind(id).execute(pool).await?.rows_affected())
}}

pub async fn migrate(pool: &PgPool) -> Result<(), sqlx::migrate::MigrateError> {{
    MIGRATOR.run(pool).await
}}
"#,
        find = q("FIND_USER"),
        insert_user = q("INSERT_USER"),
        list = q("LIST_ORDERS"),
        insert_order = q("INSERT_ORDER"),
        paid = q("MARK_PAID"),
    );
    s
}

/// Bump a file's modification time (rewrite it unchanged).
fn touch(file: &Path) {
    if let Ok(text) = std::fs::read(file) {
        std::thread::sleep(Duration::from_millis(20));
        let _ = std::fs::write(file, text);
    }
}

/// `cargo <args>` in `dir`, into `target` (None: the crate's default, for `fetch`).
fn cargo(dir: &Path, args: &[&str], target: Option<&Path>) -> Result<(), String> {
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.args(args).current_dir(dir);
    match target {
        Some(t) => cmd.env("CARGO_TARGET_DIR", t),
        None => cmd.env("CARGO_TARGET_DIR", dir.join("target")),
    };
    // What the outer `cargo bench` (or the caller's shell) set must not change the measured builds.
    for var in [
        "RUSTFLAGS",
        "CARGO_ENCODED_RUSTFLAGS",
        "RUSTC_WRAPPER",
        "CARGO_BUILD_RUSTC_WRAPPER",
        "RUSTC_WORKSPACE_WRAPPER",
        "CARGO_INCREMENTAL",
        "CARGO_BUILD_JOBS",
        "MIGSAFE_MIGRATIONS_DIR",
        "MIGSAFE_DIALECT",
        "MIGSAFE_NO_CACHE",
    ] {
        cmd.env_remove(var);
    }
    let out = cmd.output().map_err(|e| format!("cannot run cargo: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        let err = String::from_utf8_lossy(&out.stderr);
        Err(err.chars().take(6000).collect())
    }
}
