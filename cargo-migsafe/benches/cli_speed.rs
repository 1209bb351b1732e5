//! Whole-process timings of `cargo migsafe schema` and `cargo migsafe check`
//! on a history the size of lemmy's (247 PostgreSQL migrations):
//!
//! - `schema` and `check` with a generated service of about 300 annotated
//!   sites, against a one-migration, one-query project measured in the same
//!   run (process start, git, IO);
//! - issue 9: `check --base HEAD~1` on two services of 1,000 sites in 50
//!   files over lemmy's tables, N-1 = 246 migrations, N = + the last one:
//!   one annotated (`sql!` constants, `#[derive(Table)]` structs), one in
//!   plain sqlx with no annotation (`query!`, `query_as!`, `query`,
//!   `query_as::<_, T>("SELECT * …")` with `#[derive(FromRow)]` structs, in
//!   async functions). Their runs are interleaved; the medians and the ratio
//!   sqlx / annotated are printed (the target is within 10 %). Every run's
//!   exit code is checked, and its JSON must report at least 1,000 sites
//!   seen at N-1, so both services are really read;
//! - issue 13: `check` on the 1,000-site annotated service against squawk
//!   (from `PATH`, or `pip install squawk-cli` into `target/squawk-venv`) on
//!   the same migration files, the ratio printed; and the scaling curve: a
//!   workspace of 1, 2, 5 and 10 such services (up to 10,000 sites and
//!   2,470 migrations), wall time, peak RSS and cost per 1,000 sites;
//! - issue 11: `check` with a 50 MB pending migration (CREATE TABLE and
//!   INSERTs): median wall time of 3 runs and peak RSS (`/usr/bin/time`),
//!   against the issue's bound of 10 s and 1 GB.
//!
//! Nothing here asserts a time: it prints.
//!
//! Run: `cargo bench -p cargo-migsafe --bench cli_speed` (needs the corpus at
//! `../shared/corpus`, or `MIGSAFE_CORPUS`). Prints medians of 15 runs
//! (`MIGSAFE_BENCH_RUNS`); `MIGSAFE_BENCH_KEEP=1` keeps the generated
//! repositories and prints where (to profile `check` on them).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// Timed runs per measurement (`MIGSAFE_BENCH_RUNS`, default 15).
fn runs() -> usize {
    std::env::var("MIGSAFE_BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(15).max(1)
}

fn corpus() -> Option<PathBuf> {
    let p = std::env::var_os("MIGSAFE_CORPUS").map(PathBuf::from).unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"));
    p.join("lemmy-postgres").is_dir().then_some(p)
}

fn sh(dir: &Path, cmd: &str, args: &[&str]) -> std::process::Output {
    let out = Command::new(cmd)
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "b")
        .env("GIT_AUTHOR_EMAIL", "b@example.invalid")
        .env("GIT_COMMITTER_NAME", "b")
        .env("GIT_COMMITTER_EMAIL", "b@example.invalid")
        .output()
        .expect("run");
    out
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let t = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &t);
        } else {
            std::fs::copy(e.path(), t).unwrap();
        }
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn time(dir: &Path, args: &[&str], expect: &[i32]) -> Duration {
    let bin = env!("CARGO_BIN_EXE_cargo-migsafe");
    let mut v = Vec::new();
    for _ in 0..runs() {
        let t = Instant::now();
        let out = Command::new(bin).arg("migsafe").args(args).current_dir(dir).output().unwrap();
        v.push(t.elapsed());
        let code = out.status.code().unwrap_or(-1);
        assert!(expect.contains(&code), "{args:?} exited {code}: {}", String::from_utf8_lossy(&out.stderr));
    }
    median(v)
}

const MANIFEST: &str =
    "[package]\nname = \"bench\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[package.metadata.migsafe]\nmigrations = \"migrations\"\ndialect = \"postgres\"\n";

/// A service touching every table: a SELECT, an UPDATE, an INSERT and a struct per table.
fn generate_sites(schema: &serde_json::Value) -> (String, usize) {
    let mut src = String::from("use migsafe_runtime::{sql, Table};\npub struct Raw;\n");
    let mut n = 0;
    for (i, (table, t)) in schema["tables"].as_object().unwrap().iter().enumerate() {
        if table.contains('.') {
            continue;
        }
        let cols: Vec<(&String, &serde_json::Value)> = t["columns"].as_object().unwrap().iter().collect();
        let names: Vec<&str> = cols.iter().map(|(c, _)| c.as_str()).collect();
        let first = names[0];
        src.push_str(&format!("pub const S{i}: &str = sql!(\"SELECT {} FROM {table} WHERE {first} = $1\");\n", names.join(", ")));
        src.push_str(&format!("pub const U{i}: &str = sql!(\"UPDATE {table} SET {} = $1 WHERE {first} = $2\");\n", names[names.len() - 1]));
        let required: Vec<&str> = cols
            .iter()
            .filter(|(_, c)| !c["nullable"].as_bool().unwrap() && c["default"].is_null() && !c["identity"].as_bool().unwrap())
            .map(|(c, _)| c.as_str())
            .collect();
        let ins = if required.is_empty() { names.clone() } else { required };
        let params: Vec<String> = (1..=ins.len()).map(|k| format!("${k}")).collect();
        src.push_str(&format!("pub const I{i}: &str = sql!(\"INSERT INTO {table} ({}) VALUES ({})\");\n", ins.join(", "), params.join(", ")));
        src.push_str(&format!("#[derive(Table)]\n#[migsafe(table = \"{table}\")]\npub struct T{i} {{\n"));
        for (c, meta) in &cols {
            let ty = if meta["nullable"].as_bool().unwrap() { "Option<Raw>" } else { "Raw" };
            src.push_str(&format!("    pub r#{c}: {ty},\n"));
        }
        src.push_str("}\n");
        n += 4;
    }
    (src, n)
}

/// Sites and files of the two 1,000-site services.
const SERVICE_SITES: usize = 1000;
const SERVICE_FILES: usize = 50;

/// A column of lemmy's schema at N-1, as `schema --format json` prints it.
struct Col {
    name: String,
    ty: String,
    nullable: bool,
    /// NOT NULL, no default, not identity or generated: an INSERT must name it.
    required: bool,
    /// Not identity or generated: an UPDATE may set it.
    settable: bool,
}

struct Tbl {
    name: String,
    cols: Vec<Col>,
}

fn tables_of(schema: &serde_json::Value) -> Vec<Tbl> {
    let mut out = Vec::new();
    for (table, t) in schema["tables"].as_object().unwrap() {
        if table.contains('.') {
            continue;
        }
        let cols = t["columns"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(c, m)| {
                let flag = |k: &str| m[k].as_bool().unwrap_or(false);
                let settable = !flag("identity") && !flag("generated");
                Col {
                    name: c.clone(),
                    ty: m["type"].as_str().unwrap_or("").to_string(),
                    nullable: flag("nullable"),
                    required: settable && !flag("nullable") && m["default"].is_null(),
                    settable,
                }
            })
            .collect();
        out.push(Tbl { name: table.clone(), cols });
    }
    out
}

/// A Rust type that decodes the column (`Raw` where none is judged).
fn rust_type(c: &Col) -> String {
    let t = match c.ty.as_str() {
        "smallint" => "i16",
        "integer" => "i32",
        "bigint" => "i64",
        "double precision" => "f64",
        "boolean" => "bool",
        "text" | "character varying" => "String",
        "uuid" => "uuid::Uuid",
        "timestamp with time zone" => "chrono::DateTime<chrono::Utc>",
        _ => "crate::Raw",
    };
    if c.nullable {
        format!("Option<{t}>")
    } else {
        t.to_string()
    }
}

fn camel(s: &str) -> String {
    s.split('_').filter(|w| !w.is_empty()).map(|w| w[..1].to_ascii_uppercase() + &w[1..]).collect()
}

#[derive(Clone, Copy)]
enum Style {
    /// `sql!` constants and `#[derive(Table)]` structs.
    Annotated,
    /// Plain sqlx: `query!`, `query_as!`, `query`, `query_as::<_, T>` with `#[derive(FromRow)]`, no annotation.
    Sqlx,
}

/// One site of the service: the table it touches and what it does (the SQL is
/// the same text in both styles; kind 4 is a `Table` struct in one and a
/// `SELECT *` into a `FromRow` struct in the other, both decoding every column).
struct Spec<'t> {
    i: usize,
    table: &'t Tbl,
    kind: usize,
    sql: String,
}

fn specs(tables: &[Tbl]) -> Vec<Spec<'_>> {
    let per_file = SERVICE_SITES / SERVICE_FILES;
    (0..SERVICE_SITES)
        .map(|i| {
            let (f, j) = (i / per_file, i % per_file);
            // Each file is the repository of three tables; every table has two files.
            let table = &tables[(3 * f + j % 3) % tables.len()];
            let kind = j % 5;
            let cols = &table.cols;
            let pick: Vec<&str> = (0..cols.len().min(4)).map(|k| cols[(i + k) % cols.len()].name.as_str()).collect();
            let sql = match kind {
                0 | 1 => format!("SELECT {} FROM {} WHERE {} = $1 ORDER BY {} LIMIT 50", pick.join(", "), table.name, pick[0], pick[1 % pick.len()]),
                2 => {
                    let settable: Vec<&Col> = cols.iter().filter(|c| c.settable).collect();
                    let set = settable.get(i % settable.len().max(1)).map_or(pick[0], |c| c.name.as_str());
                    format!("UPDATE {} SET {set} = $1 WHERE {} = $2", table.name, pick[0])
                }
                3 => {
                    let mut ins: Vec<&str> = cols.iter().filter(|c| c.required).map(|c| c.name.as_str()).collect();
                    if ins.is_empty() {
                        ins = cols.iter().filter(|c| c.settable).map(|c| c.name.as_str()).take(1).collect();
                    }
                    let params: Vec<String> = (1..=ins.len()).map(|k| format!("${k}")).collect();
                    format!("INSERT INTO {} ({}) VALUES ({})", table.name, ins.join(", "), params.join(", "))
                }
                _ => format!("SELECT * FROM {} WHERE {} = $1", table.name, cols[0].name),
            };
            Spec { i, table, kind, sql }
        })
        .collect()
}

/// The service's files (`src/lib.rs` and `SERVICE_FILES` modules) in one style.
fn generate_service(tables: &[Tbl], style: Style) -> Vec<(String, String)> {
    let per_file = SERVICE_SITES / SERVICE_FILES;
    let all = specs(tables);
    let mut lib = String::from("//! A generated service over lemmy's schema.\n\npub struct Raw;\n\n");
    let mut files = Vec::new();
    for (f, chunk) in all.chunks(per_file).enumerate() {
        let module = format!("repo{f:02}");
        lib.push_str(&format!("pub mod {module};\n"));
        let mut src = String::from("#![allow(dead_code)]\n");
        // The row structs of this file's tables (one per table, named after it).
        let mut owned: Vec<&Tbl> = Vec::new();
        for s in chunk {
            if !owned.iter().any(|t| t.name == s.table.name) {
                owned.push(s.table);
            }
        }
        let row = |t: &Tbl| format!("{}Row{f}", camel(&t.name));
        match style {
            Style::Annotated => {
                src.push_str("use migsafe_runtime::{sql, Table};\n\n");
                for s in chunk {
                    if s.kind == 4 {
                        src.push_str(&format!(
                            "#[derive(Debug, Table)]\n#[migsafe(table = \"{}\")]\npub struct {}Row{} {{\n",
                            s.table.name,
                            camel(&s.table.name),
                            s.i
                        ));
                        for c in &s.table.cols {
                            src.push_str(&format!("    pub {}: {},\n", c.name, rust_type(c)));
                        }
                        src.push_str("}\n\n");
                    } else {
                        src.push_str(&format!("pub const Q{}: &str = sql!({:?});\n\n", s.i, s.sql));
                    }
                }
            }
            Style::Sqlx => {
                src.push_str("use sqlx::PgPool;\n");
                if f % 2 == 1 {
                    src.push_str("use sqlx::query_as;\n");
                }
                src.push('\n');
                for t in &owned {
                    src.push_str(&format!("#[derive(Debug, sqlx::FromRow)]\npub struct {} {{\n", row(t)));
                    for c in &t.cols {
                        src.push_str(&format!("    pub {}: {},\n", c.name, rust_type(c)));
                    }
                    src.push_str("}\n\n");
                }
                for s in chunk {
                    let (i, sql, r) = (s.i, &s.sql, row(s.table));
                    let params = sql.matches('$').count();
                    let binds: String = (0..params).map(|_| ".bind(key)").collect();
                    let args: String = (0..params).map(|_| ", key").collect();
                    let (ret, body) = match s.kind {
                        0 => ("usize".to_string(), format!("let rows = sqlx::query!({sql:?}{args}).fetch_all(pool).await?;\n    Ok(rows.len())")),
                        1 => (format!("Vec<{r}>"), format!("sqlx::query_as!({r}, {sql:?}{args}).fetch_all(pool).await")),
                        2 => ("u64".to_string(), format!("let done = sqlx::query({sql:?}){binds}.execute(pool).await?;\n    Ok(done.rows_affected())")),
                        3 if i % 2 == 0 => ("()".to_string(), format!("sqlx::query!({sql:?}{args}).execute(pool).await?;\n    Ok(())")),
                        3 => ("()".to_string(), format!("sqlx::query({sql:?}){binds}.execute(pool).await?;\n    Ok(())")),
                        _ if f % 2 == 1 => (format!("Vec<{r}>"), format!("query_as::<_, {r}>({sql:?}){binds}.fetch_all(pool).await")),
                        _ => {
                            (format!("Option<{r}>"), format!("let row: Option<{r}> = sqlx::query_as({sql:?}){binds}.fetch_optional(pool).await?;\n    Ok(row)"))
                        }
                    };
                    src.push_str(&format!("pub async fn {}_{i}(pool: &PgPool, key: i64) -> Result<{ret}, sqlx::Error> {{\n    {body}\n}}\n\n", s.table.name));
                }
            }
        }
        files.push((format!("src/{module}.rs"), src));
    }
    files.insert(0, ("src/lib.rs".to_string(), lib));
    files
}

/// A git repository: `manifest`, `files` and the first `base` migrations at
/// N-1 (HEAD~1), every migration at N (HEAD).
fn lemmy_repo(dir: &Path, dirs: &[PathBuf], base: usize, manifest: &str, files: &[(String, String)]) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    for (p, text) in files {
        let p = dir.join(p);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    for d in &dirs[..base] {
        copy_dir(d, &dir.join("migrations").join(d.file_name().unwrap()));
    }
    sh(dir, "git", &["init", "-q", "-b", "main"]);
    sh(dir, "git", &["add", "-A"]);
    sh(dir, "git", &["commit", "-q", "-m", "base"]);
    for d in &dirs[base..] {
        copy_dir(d, &dir.join("migrations").join(d.file_name().unwrap()));
    }
    sh(dir, "git", &["add", "-A"]);
    sh(dir, "git", &["commit", "-q", "-m", "head"]);
}

/// `check` on each repository, the runs interleaved (so drift hits both
/// alike); each run must exit 0 and report at least `min_seen` sites seen at
/// N-1 in its JSON. Medians.
fn time_checks(dirs: &[&Path], args: &[&str], min_seen: usize) -> Vec<Duration> {
    let mut times = vec![Vec::new(); dirs.len()];
    for _ in 0..runs() {
        for (dir, v) in dirs.iter().zip(&mut times) {
            v.push(check_once(dir, args, min_seen));
        }
    }
    times.into_iter().map(median).collect()
}

/// The wall time of one `check` in `dir`, which must exit 0 and report at
/// least `min_seen` sites seen at N-1 (so the service is really read).
fn check_once(dir: &Path, args: &[&str], min_seen: usize) -> Duration {
    let t = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_cargo-migsafe")).arg("migsafe").args(args).current_dir(dir).output().unwrap();
    let elapsed = t.elapsed();
    let code = out.status.code().unwrap_or(-1);
    // 0: the generated queries resolve on lemmy's schema and nothing is in error.
    assert_eq!(code, 0, "{} {args:?}: {}{}", dir.display(), String::from_utf8_lossy(&out.stderr), String::from_utf8_lossy(&out.stdout));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("check --format json prints JSON");
    let seen = json["coverage"]["base"]["seen"].as_u64().unwrap_or(0) as usize;
    assert!(seen >= min_seen, "{}: N-1 has {seen} sites seen, expected at least {min_seen}: {}", dir.display(), json["coverage"]);
    elapsed
}

fn main() {
    let Some(corpus) = corpus() else {
        println!("corpus not found (set MIGSAFE_CORPUS to the folder holding lemmy-postgres): nothing measured");
        return;
    };
    // MIGSAFE_BENCH_KEEP=1 keeps the generated repositories (to profile them).
    let keep = std::env::var_os("MIGSAFE_BENCH_KEEP").is_some();
    let tmp = tempfile::Builder::new().prefix("migsafe-bench").disable_cleanup(keep).tempdir().unwrap();
    if keep {
        println!("generated repositories kept in {}", tmp.path().display());
    }

    // Baseline: one migration, one query, one pending migration.
    let small = tmp.path().join("small");
    std::fs::create_dir_all(small.join("migrations")).unwrap();
    std::fs::create_dir_all(small.join("src")).unwrap();
    std::fs::write(small.join("Cargo.toml"), MANIFEST).unwrap();
    std::fs::write(small.join("migrations/V1__t.sql"), "CREATE TABLE t (id BIGINT PRIMARY KEY, a TEXT);\n").unwrap();
    std::fs::write(small.join("src/lib.rs"), "pub const Q: &str = sql!(\"SELECT a FROM t WHERE id = $1\");\n").unwrap();
    sh(&small, "git", &["init", "-q", "-b", "main"]);
    sh(&small, "git", &["add", "-A"]);
    sh(&small, "git", &["commit", "-q", "-m", "base"]);
    std::fs::write(small.join("migrations/V2__b.sql"), "ALTER TABLE t ADD COLUMN b TEXT;\n").unwrap();
    sh(&small, "git", &["add", "-A"]);
    sh(&small, "git", &["commit", "-q", "-m", "head"]);

    // lemmy: the first 240 migrations at N-1, all 247 at N, ~300 sites.
    let big = tmp.path().join("lemmy");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(corpus.join("lemmy-postgres")).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    dirs.sort();
    std::fs::create_dir_all(big.join("src")).unwrap();
    std::fs::write(big.join("Cargo.toml"), MANIFEST).unwrap();
    for d in &dirs[..240] {
        copy_dir(d, &big.join("migrations").join(d.file_name().unwrap()));
    }
    sh(&big, "git", &["init", "-q", "-b", "main"]);
    let schema_out = Command::new(env!("CARGO_BIN_EXE_cargo-migsafe")).args(["migsafe", "schema", "--format", "json"]).current_dir(&big).output().unwrap();
    assert!(schema_out.status.success(), "{}", String::from_utf8_lossy(&schema_out.stderr));
    let schema: serde_json::Value = serde_json::from_slice(&schema_out.stdout).unwrap();
    let (src, sites) = generate_sites(&schema);
    std::fs::write(big.join("src/lib.rs"), src).unwrap();
    sh(&big, "git", &["add", "-A"]);
    sh(&big, "git", &["commit", "-q", "-m", "base"]);
    for d in &dirs[240..] {
        copy_dir(d, &big.join("migrations").join(d.file_name().unwrap()));
    }
    sh(&big, "git", &["add", "-A"]);
    sh(&big, "git", &["commit", "-q", "-m", "head"]);

    let s_small = time(&small, &["schema", "--format", "json"], &[0]);
    let s_big = time(&big, &["schema", "--format", "json"], &[0]);
    let c_small = time(&small, &["check", "--format", "json"], &[0, 1]);
    let c_big = time(&big, &["check", "--format", "json"], &[0, 1]);
    println!("median of {} runs, whole process (release build):", runs());
    println!("  schema  trivial project (1 migration)             {:>8.1} ms", s_small.as_secs_f64() * 1e3);
    println!(
        "  schema  lemmy ({} migrations)                    {:>8.1} ms   ({:.1}x the trivial run)",
        dirs.len().min(247),
        s_big.as_secs_f64() * 1e3,
        s_big.as_secs_f64() / s_small.as_secs_f64()
    );
    println!("  check   trivial project (1 site, 1 pending)        {:>8.1} ms", c_small.as_secs_f64() * 1e3);
    println!(
        "  check   lemmy ({} sites, {} pending, both revisions) {:>8.1} ms   ({:.1}x the trivial run)",
        sites,
        dirs.len() - 240,
        c_big.as_secs_f64() * 1e3,
        c_big.as_secs_f64() / c_small.as_secs_f64()
    );

    // Issue 9: a 1,000-site service written with plain sqlx (no annotation)
    // against an annotated one of the same size: 246 migrations at N-1, the
    // last one pending. The sites use lemmy's tables as N-1's schema has them.
    let base = dirs.len() - 1;
    let probe = tmp.path().join("lemmy-n-1");
    std::fs::create_dir_all(&probe).unwrap();
    std::fs::write(probe.join("Cargo.toml"), MANIFEST).unwrap();
    for d in &dirs[..base] {
        copy_dir(d, &probe.join("migrations").join(d.file_name().unwrap()));
    }
    sh(&probe, "git", &["init", "-q", "-b", "main"]);
    let out = Command::new(env!("CARGO_BIN_EXE_cargo-migsafe")).args(["migsafe", "schema", "--format", "json"]).current_dir(&probe).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let tables = tables_of(&serde_json::from_slice(&out.stdout).unwrap());
    let services = [
        ("annotated", Style::Annotated, "[dependencies]\nmigsafe-runtime = \"0.1\"\n"),
        ("sqlx", Style::Sqlx, "[dependencies]\nsqlx = { version = \"0.8\", features = [\"postgres\"] }\n"),
    ];
    let mut repos = Vec::new();
    let mut sizes = Vec::new();
    for (name, style, deps) in services {
        let files = generate_service(&tables, style);
        sizes.push((files.len() - 1, files.iter().map(|(_, t)| t.len()).sum::<usize>()));
        let repo = tmp.path().join(name);
        lemmy_repo(&repo, &dirs, base, &format!("{MANIFEST}{deps}"), &files);
        repos.push(repo);
    }
    let args = ["check", "--base", "HEAD~1", "--format", "json"];
    let m = time_checks(&[&repos[0], &repos[1]], &args, SERVICE_SITES);
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!("  check --base HEAD~1, lemmy ({base} migrations + 1 pending), {SERVICE_SITES} sites in {} files (runs interleaved):", sizes[0].0);
    println!("          annotated (sql!, #[derive(Table)]; {:>4} KiB)  {:>8.1} ms", sizes[0].1 / 1024, ms(m[0]));
    println!("          plain sqlx (no annotation;      {:>4} KiB)  {:>8.1} ms", sizes[1].1 / 1024, ms(m[1]));
    println!("          ratio sqlx / annotated                      {:>8.3}     (issue 9: within 1.10)", ms(m[1]) / ms(m[0]));

    // Issue 13: against squawk on the same migration files, and the cost
    // at 1x, 2x, 5x and 10x (a workspace of k services, each with lemmy's
    // history and 1,000 sites: up to 10,000 sites and 2,470 migrations).
    issue_13(tmp.path(), &dirs, base, &repos[0], &tables);

    // Issue 11: a 50 MB pending migration (CREATE TABLE + INSERTs, as the
    // issue's sweep made it): wall time and peak memory of `check`, the
    // median of 3 runs (peak RSS from /usr/bin/time, when it is there).
    let huge = tmp.path().join("huge");
    std::fs::create_dir_all(huge.join("migrations")).unwrap();
    std::fs::create_dir_all(huge.join("src")).unwrap();
    std::fs::write(huge.join("Cargo.toml"), MANIFEST).unwrap();
    std::fs::write(huge.join("migrations/V1__orders.sql"), "CREATE TABLE orders (id BIGINT PRIMARY KEY, note TEXT);\n").unwrap();
    std::fs::write(huge.join("src/lib.rs"), "pub const Q: &str = sql!(\"SELECT id, note FROM orders\");\n").unwrap();
    sh(&huge, "git", &["init", "-q", "-b", "main"]);
    sh(&huge, "git", &["add", "-A"]);
    sh(&huge, "git", &["commit", "-q", "-m", "base"]);
    let mut big_sql = String::with_capacity(51 << 20);
    let mut i = 0usize;
    while big_sql.len() < 50 << 20 {
        if i % 50 == 0 {
            big_sql.push_str(&format!("CREATE TABLE t{} (id int primary key, a text);\n", i / 50));
        } else {
            big_sql.push_str(&format!("INSERT INTO t{} (id, a) VALUES ({i}, 'value number {i} with some padding text');\n", i / 50));
        }
        i += 1;
    }
    std::fs::write(huge.join("migrations/V2__big.sql"), &big_sql).unwrap();
    sh(&huge, "git", &["add", "-A"]);
    sh(&huge, "git", &["commit", "-q", "-m", "head"]);
    let bin = env!("CARGO_BIN_EXE_cargo-migsafe");
    let gnu_time = Path::new("/usr/bin/time").exists();
    let mut walls = Vec::new();
    let mut peaks = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        let out = if gnu_time {
            Command::new("/usr/bin/time")
                .args(["-f", "%M", bin, "migsafe", "check", "--base", "HEAD~1", "--format", "json"])
                .current_dir(&huge)
                .output()
                .unwrap()
        } else {
            Command::new(bin).args(["migsafe", "check", "--base", "HEAD~1", "--format", "json"]).current_dir(&huge).output().unwrap()
        };
        walls.push(t.elapsed());
        assert!(matches!(out.status.code(), Some(0 | 1)), "{}", String::from_utf8_lossy(&out.stderr));
        if let Some(kb) = String::from_utf8_lossy(&out.stderr).lines().last().and_then(|l| l.trim().parse::<u64>().ok()) {
            peaks.push(kb);
        }
    }
    peaks.sort_unstable();
    let peak = peaks
        .get(peaks.len() / 2)
        .map(|kb| format!("{:.0} MB peak RSS", *kb as f64 / 1024.0))
        .unwrap_or_else(|| "peak RSS not measured (no /usr/bin/time)".into());
    println!(
        "  check   a 50 MB pending migration ({} statements)  {:>8.1} ms, {peak}   (issue 11: within 10 s and 1 GB)",
        i,
        median(walls).as_secs_f64() * 1e3
    );
}

/// squawk (the linter `check` replaces), from `PATH` or from PyPI into a
/// virtualenv the bench keeps in the target directory; `None` (said) when
/// neither works (no network, no `venv`).
fn squawk() -> Option<PathBuf> {
    if let Ok(out) = Command::new("squawk").arg("--version").output() {
        if out.status.success() {
            return Some(PathBuf::from("squawk"));
        }
    }
    let venv = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/squawk-venv");
    let bin = venv.join("bin/squawk");
    if !bin.exists() {
        let made = Command::new("python3").args(["-m", "venv"]).arg(&venv).status().is_ok_and(|s| s.success())
            && Command::new(venv.join("bin/pip")).args(["install", "-q", "squawk-cli"]).status().is_ok_and(|s| s.success());
        if !made {
            println!("  squawk: not on PATH and `pip install squawk-cli` into {} failed: no ratio", venv.display());
            return None;
        }
    }
    Some(bin)
}

/// Peak RSS in MB (`/usr/bin/time -f %M`), the median of 3 runs, when it can be read.
fn peak_rss_mb(dir: &Path, args: &[&str]) -> Option<f64> {
    let bin = env!("CARGO_BIN_EXE_cargo-migsafe");
    let mut peaks = Vec::new();
    for _ in 0..3 {
        let out = Command::new("/usr/bin/time").args(["-f", "%M", bin, "migsafe"]).args(args).current_dir(dir).output().ok()?;
        peaks.push(String::from_utf8_lossy(&out.stderr).lines().last()?.trim().parse::<f64>().ok()? / 1024.0);
    }
    peaks.sort_by(f64::total_cmp);
    Some(peaks[1])
}

fn issue_13(tmp: &Path, dirs: &[PathBuf], base: usize, annotated: &Path, tables: &[Tbl]) {
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let args = ["check", "--base", "HEAD~1", "--format", "json"];
    // The same files: every up and down script of the 1,000-site repository's migrations at N.
    let mut files: Vec<String> = Vec::new();
    for d in dirs {
        for f in ["up.sql", "down.sql"] {
            let p = annotated.join("migrations").join(d.file_name().unwrap()).join(f);
            if p.exists() {
                files.push(p.strip_prefix(annotated).unwrap().display().to_string());
            }
        }
    }
    println!("  issue 13: check --base HEAD~1 against squawk, same {} migration files:", files.len());
    match squawk() {
        Some(sq) => {
            // Interleaved, one run of each at a time, so a slow spell of the
            // machine weighs on both; the ratio is of the medians, and the
            // median of the runs' own ratios is printed beside it.
            let (mut ours, mut theirs, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
            for _ in 0..runs() {
                let c = check_once(annotated, &args, SERVICE_SITES);
                let t = Instant::now();
                let out = Command::new(&sq).args(&files).current_dir(annotated).output().unwrap();
                let t = t.elapsed();
                assert!(out.status.code().is_some(), "squawk was killed");
                ratios.push(c.as_secs_f64() / t.as_secs_f64());
                ours.push(c);
                theirs.push(t);
            }
            let (check, t) = (median(ours), median(theirs));
            ratios.sort_by(f64::total_cmp);
            println!(
                "          squawk {}                      {:>8.1} ms",
                String::from_utf8_lossy(&Command::new(&sq).arg("--version").output().unwrap().stdout).trim(),
                ms(t)
            );
            println!("          migsafe check, {SERVICE_SITES} annotated sites      {:>8.1} ms", ms(check));
            println!(
                "          ratio migsafe / squawk                      {:>8.3}     (issue 13: at most 0.5; median of the runs' ratios {:.3})",
                ms(check) / ms(t),
                ratios[ratios.len() / 2]
            );
        }
        None => {
            let check = time_checks(&[annotated], &args, SERVICE_SITES)[0];
            println!("          migsafe check, {SERVICE_SITES} annotated sites      {:>8.1} ms (no squawk to compare)", ms(check))
        }
    }

    // The curve: k services of 1,000 sites, each with its own copy of lemmy's history.
    println!("  issue 13: scaling, a workspace of k services (1,000 sites and {} migrations each), check --workspace:", dirs.len());
    let files = generate_service(tables, Style::Annotated);
    let mut first = None;
    for k in [1usize, 2, 5, 10] {
        let repo = tmp.join(format!("scale-{k}"));
        std::fs::create_dir_all(&repo).unwrap();
        let members: Vec<String> = (0..k).map(|i| format!("\"s{i}\"")).collect();
        std::fs::write(repo.join("Cargo.toml"), format!("[workspace]\nresolver = \"2\"\nmembers = [{}]\n", members.join(", "))).unwrap();
        for i in 0..k {
            let m = repo.join(format!("s{i}"));
            let manifest = MANIFEST.replace("name = \"bench\"", &format!("name = \"s{i}\""));
            let manifest = format!("{manifest}[dependencies]\nmigsafe-runtime = \"0.1\"\n");
            std::fs::create_dir_all(&m).unwrap();
            std::fs::write(m.join("Cargo.toml"), manifest).unwrap();
            for (p, text) in &files {
                let p = m.join(p);
                std::fs::create_dir_all(p.parent().unwrap()).unwrap();
                std::fs::write(p, text).unwrap();
            }
            for d in &dirs[..base] {
                copy_dir(d, &m.join("migrations").join(d.file_name().unwrap()));
            }
        }
        sh(&repo, "git", &["init", "-q", "-b", "main"]);
        sh(&repo, "git", &["add", "-A"]);
        sh(&repo, "git", &["commit", "-q", "-m", "base"]);
        for i in 0..k {
            for d in &dirs[base..] {
                copy_dir(d, &repo.join(format!("s{i}")).join("migrations").join(d.file_name().unwrap()));
            }
        }
        sh(&repo, "git", &["add", "-A"]);
        sh(&repo, "git", &["commit", "-q", "-m", "head"]);
        let wargs = ["check", "--workspace", "--base", "HEAD~1", "--format", "json"];
        let t = time_checks(&[&repo], &wargs, SERVICE_SITES * k)[0];
        let rss = peak_rss_mb(&repo, &wargs).map(|m| format!("{m:>6.0} MB")).unwrap_or_else(|| "     ? MB".into());
        let per = ms(t) / k as f64;
        let first_per = *first.get_or_insert(per);
        println!(
            "          {k:>2}x: {:>6} sites, {:>5} migrations  {:>8.1} ms  {rss} peak RSS  {:>6.1} ms per 1,000 sites ({:.2}x 1x's)",
            SERVICE_SITES * k,
            dirs.len() * k,
            ms(t),
            per,
            per / first_per
        );
    }
    println!("          (issue 13: 10x within 1 s and 200 MB, cost linear in sites and migrations)");
}
