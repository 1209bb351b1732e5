//! Whole-process timings of `cargo migsafe schema` and `cargo migsafe check`
//! on a history the size of lemmy's (247 PostgreSQL migrations) with a
//! generated service of about 300 annotated sites, against a one-migration,
//! one-query project measured in the same run (process start, git, IO).
//!
//! Run: `cargo bench -p cargo-migsafe --bench cli_speed` (needs the corpus at
//! `../shared/corpus`, or `MIGSAFE_CORPUS`). Prints medians of 15 runs.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const RUNS: usize = 15;

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
    for _ in 0..RUNS {
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

fn main() {
    let Some(corpus) = corpus() else {
        println!("corpus not found (set MIGSAFE_CORPUS to the folder holding lemmy-postgres): nothing measured");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();

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
    println!("median of {RUNS} runs, whole process (release build):");
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
}
