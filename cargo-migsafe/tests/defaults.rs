//! The defaults a new user meets, on throw-away git repositories: which base
//! revision `check` compares with, which migrations folder and dialect a
//! crate without `[package.metadata.migsafe]` gets, and which workspace
//! members are read. Each default must be said on stderr, and none may
//! produce a false "safe".

mod common;

use std::path::Path;
use std::process::{Command, Output};

struct Repo {
    dir: tempfile::TempDir,
}

const MANIFEST: &str =
    "[package]\nname = \"svc\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[package.metadata.migsafe]\nmigrations = \"migrations\"\ndialect = \"postgres\"\n";

impl Repo {
    fn new() -> Repo {
        Repo::with_branch("main")
    }
    fn with_branch(branch: &str) -> Repo {
        let r = Repo { dir: tempfile::tempdir().unwrap() };
        r.git(&["init", "-q", "-b", branch]);
        r
    }
    fn path(&self) -> &Path {
        self.dir.path()
    }
    fn write(&self, rel: &str, text: impl AsRef<[u8]>) -> &Self {
        let p = self.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
        self
    }
    fn git(&self, args: &[&str]) -> Output {
        common::git(self.path(), args)
    }
    fn commit(&self, msg: &str) -> &Self {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", msg]);
        self
    }
    fn sha(&self, rev: &str) -> String {
        String::from_utf8_lossy(&self.git(&["rev-parse", rev]).stdout).trim().to_string()
    }
    fn run(&self, args: &[&str]) -> (i32, String, String) {
        run_in(self.path(), args)
    }
}

fn run_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_cargo-migsafe")).arg("migsafe").args(args).current_dir(dir).env("NO_COLOR", "1").output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn json(stdout: &str) -> serde_json::Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

/// The error findings as `rule table.column`, sorted.
fn errors(j: &serde_json::Value) -> Vec<String> {
    let mut v: Vec<String> = j["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .map(|f| format!("{} {}.{}", f["rule"].as_str().unwrap(), f["table"].as_str().unwrap_or(""), f["column"].as_str().unwrap_or("")))
        .collect();
    v.sort();
    v
}

/// The `Checking N-1 (sha, why)` line of stderr.
fn checking_line(err: &str) -> &str {
    err.lines().find(|l| l.trim_start().starts_with("Checking N-1")).unwrap_or_else(|| panic!("no `Checking N-1` line:\n{err}"))
}

/// N-1 of an annotated service on `main`: one table, a query reading `email`.
fn service_on_main() -> Repo {
    let r = Repo::new();
    r.write("Cargo.toml", MANIFEST)
        .write("migrations/V1__users.sql", "CREATE TABLE users (\n    id BIGINT PRIMARY KEY,\n    email TEXT NOT NULL,\n    name TEXT\n);\n")
        .write("src/lib.rs", "use migsafe_runtime::sql;\npub const Q: &str = sql!(\"SELECT id, email FROM users WHERE id = $1\");\n")
        .commit("release 1");
    r
}

/// The change that breaks N-1: drop `email`, stop reading it.
fn drop_email(r: &Repo) -> &Repo {
    r.write("migrations/V2__drop_email.sql", "ALTER TABLE users DROP COLUMN email;\n")
        .write("src/lib.rs", "use migsafe_runtime::sql;\npub const Q: &str = sql!(\"SELECT id FROM users WHERE id = $1\");\n")
}

// ---------------------------------------------------------------------------
// The base revision

#[test]
fn pushed_feature_branch_is_checked_against_the_merge_base_with_the_default_branch() {
    let r = service_on_main();
    let remote = tempfile::tempdir().unwrap();
    common::git(remote.path(), &["init", "-q", "--bare", "-b", "main"]);
    r.git(&["remote", "add", "origin", remote.path().to_str().unwrap()]);
    r.git(&["push", "-q", "-u", "origin", "main"]);
    r.git(&["checkout", "-q", "-b", "drop-email"]);
    drop_email(&r).commit("drop email");
    // Pushed with upstream: the branch's own upstream is its tip, which must not be the base.
    r.git(&["push", "-q", "-u", "origin", "drop-email"]);
    let (code, out, err) = r.run(&["check", "--format", "json"]);
    assert_eq!(code, 1, "{err}");
    let j = json(&out);
    assert_eq!(j["base"], r.sha("main"));
    assert_eq!(errors(&j), ["dropped-column-in-use users.email"]);
    assert!(checking_line(&err).contains("merge-base with origin/main"), "{err}");
    // The same finding as with the base named explicitly.
    let (code, out2, _) = r.run(&["check", "--format", "json", "--base", "main"]);
    assert_eq!(code, 1);
    assert_eq!(errors(&json(&out2)), errors(&j));
    // A later commit on main does not move the base past the branch point.
    r.git(&["checkout", "-q", "main"]);
    r.write("README.md", "docs").commit("docs on main");
    r.git(&["push", "-q", "origin", "main"]);
    let fork = r.sha("main~1");
    r.git(&["checkout", "-q", "drop-email"]);
    let (code, out, _) = r.run(&["check", "--format", "json"]);
    assert_eq!(code, 1);
    assert_eq!(json(&out)["base"], fork);
}

#[test]
fn origin_head_names_the_default_branch() {
    let r = Repo::with_branch("trunk");
    r.write("Cargo.toml", MANIFEST)
        .write("migrations/V1__users.sql", "CREATE TABLE users (id BIGINT PRIMARY KEY, email TEXT NOT NULL);\n")
        .write("src/lib.rs", "pub const Q: &str = sql!(\"SELECT id, email FROM users\");\n")
        .commit("release 1");
    let remote = tempfile::tempdir().unwrap();
    common::git(remote.path(), &["init", "-q", "--bare", "-b", "trunk"]);
    r.git(&["remote", "add", "origin", remote.path().to_str().unwrap()]);
    r.git(&["push", "-q", "origin", "trunk"]);
    r.git(&["remote", "set-head", "origin", "trunk"]);
    r.git(&["checkout", "-q", "-b", "feature"]);
    drop_email(&r).commit("one").write("README.md", "x").commit("two");
    let (code, out, err) = r.run(&["check", "--format", "json"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(json(&out)["base"], r.sha("trunk"));
    assert!(checking_line(&err).contains("merge-base with origin/trunk"), "{err}");
}

#[test]
fn two_commit_branch_without_upstream_uses_the_local_default_branch() {
    let r = service_on_main();
    r.git(&["checkout", "-q", "-b", "drop-email"]);
    // The migration in the first commit, something else in the second: HEAD~1 would already hold it.
    drop_email(&r).commit("drop email");
    r.write("README.md", "notes").commit("notes");
    let (code, out, err) = r.run(&["check", "--format", "json"]);
    assert_eq!(code, 1, "{err}");
    let j = json(&out);
    assert_eq!(j["base"], r.sha("main"));
    assert_eq!(j["pending"], serde_json::json!(["migrations/V2__drop_email.sql"]));
    assert!(checking_line(&err).contains("merge-base with main"), "{err}");
}

#[test]
fn uncommitted_work_on_the_default_branch_is_checked_against_head() {
    let r = service_on_main();
    r.write("README.md", "second commit").commit("docs");
    drop_email(&r);
    let (code, out, err) = r.run(&["check", "--format", "json"]);
    assert_eq!(code, 1, "{err}");
    let j = json(&out);
    assert_eq!(j["base"], r.sha("HEAD"));
    assert_eq!(errors(&j), ["dropped-column-in-use users.email"]);
    assert!(checking_line(&err).contains("HEAD: the working tree has uncommitted changes"), "{err}");
    // An untracked (not ignored) migration alone is a change too.
    let r = service_on_main();
    r.write("README.md", "second commit").commit("docs");
    r.write("migrations/V2__nick.sql", "ALTER TABLE users ADD COLUMN nick TEXT;\n");
    let (code, out, err) = r.run(&["check", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(json(&out)["pending"], serde_json::json!(["migrations/V2__nick.sql"]));
    // Committed and clean on main: the last commit is the change.
    r.commit("nick");
    let (code, out, err) = r.run(&["check", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(json(&out)["base"], r.sha("HEAD~1"));
    assert!(checking_line(&err).contains("HEAD~1: on main with a clean working tree"), "{err}");
}

#[test]
fn shallow_clone_with_a_mistyped_base_is_an_unknown_revision() {
    let r = service_on_main();
    drop_email(&r).commit("drop email");
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", r.path().display());
    common::git(clone.path(), &["clone", "-q", "--depth", "1", &url, "."]);
    // A name that is no ref at all: a typo, whatever the clone's depth.
    let (code, out, err) = run_in(clone.path(), &["check", "--base", "origin/mian"]);
    assert_eq!(code, 2, "{out}\n{err}");
    assert!(err.contains("unknown revision `origin/mian`") && err.contains("no such commit, branch or tag"), "{err}");
    assert!(!err.contains("shallow clone without"), "a typo is not blamed on the clone:\n{err}");
    // A name that exists, but whose history the clone lacks: the clone is to blame.
    let (code, _, err) = run_in(clone.path(), &["check", "--base", "origin/main~1"]);
    assert_eq!(code, 2);
    assert!(err.contains("shallow clone") && err.contains("fetch-depth: 0"), "{err}");
    // The default base on a shallow clone of one commit: no HEAD~1, and the advice says how to get it.
    let (code, _, err) = run_in(clone.path(), &["check"]);
    assert_eq!(code, 2);
    assert!(err.contains("shallow clone") && err.contains("--depth=1 origin <base-sha>"), "{err}");
    // The cheap CI option: fetch only the base commit.
    let base = r.sha("HEAD~1");
    common::git(clone.path(), &["fetch", "-q", "--depth=1", "origin", &base]);
    let (code, out, err) = run_in(clone.path(), &["check", "--base", &base, "--format", "json"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(errors(&json(&out)), ["dropped-column-in-use users.email"]);
}

// ---------------------------------------------------------------------------
// Zero configuration: the folder and the dialect of a crate without metadata

/// A crate without `[package.metadata.migsafe]`: `deps` is its [dependencies] body.
fn bare_crate(deps: &str) -> String {
    format!("[package]\nname = \"svc\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\n{deps}")
}

/// The `Reading <folder> (…)` line of stderr.
fn reading_line(err: &str) -> &str {
    err.lines().find(|l| l.trim_start().starts_with("Reading ")).unwrap_or_else(|| panic!("no `Reading` line:\n{err}"))
}

#[test]
fn mysql_crate_without_metadata_is_read_as_mysql() {
    let r = Repo::new();
    r.write("Cargo.toml", bare_crate("sqlx = { version = \"0.8\", features = [\"runtime-tokio\", \"mysql\"] }\n"))
        .write(
            "migrations/20240101000000_users.sql",
            "CREATE TABLE users (\n  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,\n  email VARCHAR(255) NOT NULL,\n  name TEXT\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n",
        )
        .write("src/lib.rs", "pub const Q: &str = sql!(\"SELECT id, email FROM users WHERE id = ?\");\n")
        .commit("release 1");
    // MySQL-only syntax in the pending migration: a PostgreSQL parse would fail on it.
    r.write("migrations/20240102000000_drop.sql", "ALTER TABLE users MODIFY COLUMN name VARCHAR(100) NULL;\nALTER TABLE users DROP COLUMN email;\n")
        .write("src/lib.rs", "pub const Q: &str = sql!(\"SELECT id FROM users WHERE id = ?\");\n");
    let (code, out, err) = r.run(&["check", "--format", "json"]);
    assert_eq!(code, 1, "{out}\n{err}");
    assert_eq!(errors(&json(&out)), ["dropped-column-in-use users.email"]);
    assert_eq!(reading_line(&err).trim(), "Reading migrations/ (mysql: sqlx feature \"mysql\"; folder beside Cargo.toml)");
    assert!(!err.contains("postgres"), "{err}");
    let (code, out, _) = r.run(&["schema", "--format", "json"]);
    assert_eq!(code, 0);
    assert_eq!(json(&out)["dialect"], "mysql");
}

#[test]
fn sqlite_crate_without_metadata_is_read_as_sqlite() {
    let r = Repo::new();
    r.write("Cargo.toml", bare_crate("rusqlite = { version = \"0.31\", features = [\"bundled\"] }\n"))
        .write("migrations/V1__notes.sql", "CREATE TABLE notes (id INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT NOT NULL, tag TEXT);\n")
        .write("src/lib.rs", "pub const Q: &str = sql!(\"SELECT id, body, tag FROM notes\");\n")
        .commit("release 1");
    r.write("migrations/V2__drop_tag.sql", "ALTER TABLE notes DROP COLUMN tag;\n")
        .write("src/lib.rs", "pub const Q: &str = sql!(\"SELECT id, body FROM notes\");\n");
    let (code, out, err) = r.run(&["check", "--format", "json"]);
    assert_eq!(code, 1, "{out}\n{err}");
    assert_eq!(errors(&json(&out)), ["dropped-column-in-use notes.tag"]);
    assert!(reading_line(&err).contains("(sqlite: dependency rusqlite; folder beside Cargo.toml)"), "{err}");
    let (_, out, _) = r.run(&["schema", "--format", "json"]);
    let j = json(&out);
    assert_eq!(j["dialect"], "sqlite");
    assert!(j["tables"]["notes"]["columns"].get("body").is_some());
}

#[test]
fn the_folder_sqlx_migrate_and_diesel_toml_name() {
    // sqlx: `migrate!("db/migrations")`, relative to the manifest, wins over the conventional folder.
    let r = Repo::new();
    r.write("Cargo.toml", bare_crate("sqlx = { version = \"0.8\", features = [\"postgres\"] }\n"))
        .write("db/migrations/20240101000000_t.sql", "CREATE TABLE t (id BIGINT PRIMARY KEY, a TEXT);\n")
        .write("migrations/README.md", "not the migrations")
        .write("src/main.rs", "// sqlx::migrate!(\"old\")\nstatic M: sqlx::migrate::Migrator =\n    sqlx::migrate!(\"db/migrations\");\nfn main() {}\n")
        .write("tests/it.rs", "static T: sqlx::migrate::Migrator = sqlx::migrate!(\"tests/fixtures\");\n")
        .write("tests/fixtures/1_x.sql", "CREATE TABLE x (id INT);\n")
        .commit("one");
    let (code, out, err) = r.run(&["schema", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    assert!(json(&out)["tables"].get("t").is_some());
    assert_eq!(reading_line(&err).trim(), "Reading db/migrations/ (postgres: sqlx feature \"postgres\"; sqlx::migrate!(\"db/migrations\") in src/main.rs:3)");
    // diesel: diesel.toml's [migrations_directory], in diesel's own layout.
    let r = Repo::new();
    r.write("Cargo.toml", bare_crate("diesel = { version = \"2\", features = [\"postgres\", \"chrono\"] }\n"))
        .write("diesel.toml", "[print_schema]\nfile = \"src/schema.rs\"\n\n[migrations_directory]\ndir = \"sql/migrations\"\n")
        .write("sql/migrations/2024-01-01-000000_create_posts/up.sql", "CREATE TABLE posts (id SERIAL PRIMARY KEY, title VARCHAR NOT NULL);\n")
        .write("sql/migrations/2024-01-01-000000_create_posts/down.sql", "DROP TABLE posts;\n")
        .write("src/lib.rs", "")
        .commit("one");
    let (code, out, err) = r.run(&["schema", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    assert!(json(&out)["tables"].get("posts").is_some());
    assert_eq!(reading_line(&err).trim(), "Reading sql/migrations/ (postgres: diesel feature \"postgres\"; [migrations_directory] in diesel.toml)");
}

#[test]
fn several_dialects_are_an_error_unless_the_folder_or_a_flag_says() {
    let r = Repo::new();
    r.write("Cargo.toml", bare_crate("sqlx = { version = \"0.8\", features = [\"postgres\", \"sqlite\"] }\n"))
        .write("migrations/V1__t.sql", "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);\n")
        .write("src/lib.rs", "pub const Q: &str = sql!(\"SELECT id, a FROM t\");\n")
        .commit("one");
    r.write("migrations/V2__drop.sql", "ALTER TABLE t DROP COLUMN a;\n").write("src/lib.rs", "");
    let (code, out, err) = r.run(&["check"]);
    assert_eq!(code, 2, "{out}\n{err}");
    for needle in
        ["Cargo.toml", "cannot tell the SQL dialect of `migrations/`", "postgres (sqlx feature \"postgres\")", "sqlite (sqlx feature \"sqlite\")", "--dialect"]
    {
        assert!(err.contains(needle), "stderr lacks {needle:?}:\n{err}");
    }
    // --dialect settles it, and says so.
    let (code, out, err) = r.run(&["check", "--dialect", "sqlite", "--format", "json"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(errors(&json(&out)), ["dropped-column-in-use t.a"]);
    assert!(reading_line(&err).contains("(sqlite: --dialect; folder beside Cargo.toml)"), "{err}");
    let (_, out, _) = r.run(&["schema", "--dialect", "postgres", "--format", "json"]);
    assert_eq!(json(&out)["dialect"], "postgres");
    // Metadata wins over the dependencies; the flag wins over the metadata.
    r.write(
        "Cargo.toml",
        bare_crate("sqlx = { version = \"0.8\", features = [\"postgres\", \"sqlite\"] }\n") + "\n[package.metadata.migsafe]\ndialect = \"sqlite\"\n",
    );
    let (code, _, err) = r.run(&["check"]);
    assert_eq!(code, 1, "{err}");
    assert!(reading_line(&err).contains("(sqlite: set in Cargo.toml [package.metadata.migsafe]; folder beside Cargo.toml)"), "{err}");
    let (_, out, err) = r.run(&["schema", "--dialect", "mysql", "--format", "json"]);
    assert_eq!(json(&out)["dialect"], "mysql", "{err}");
}

#[test]
fn vaultwarden_style_one_folder_per_dialect() {
    let r = Repo::new();
    r.write(
        "Cargo.toml",
        "[package]\nname = \"vault\"\nversion = \"0.1.0\"\n\n[features]\ndefault = []\nmysql = [\"diesel/mysql\"]\npostgresql = [\"diesel/postgres\"]\nsqlite = [\"diesel/sqlite\", \"dep:libsqlite3-sys\"]\n\n[dependencies]\ndiesel = { version = \"2\", features = [\"chrono\", \"r2d2\"] }\nlibsqlite3-sys = { version = \"0.30\", optional = true }\n",
    )
    .write("migrations/postgresql/2024-01-01-000000_users/up.sql", "CREATE TABLE users (uuid CHAR(36) PRIMARY KEY, email TEXT NOT NULL);\n")
    .write("migrations/mysql/2024-01-01-000000_users/up.sql", "CREATE TABLE users (uuid CHAR(36) NOT NULL PRIMARY KEY, email TEXT NOT NULL) ENGINE=InnoDB;\n")
    .write("migrations/sqlite/2024-01-01-000000_users/up.sql", "CREATE TABLE users (uuid TEXT NOT NULL PRIMARY KEY, email TEXT NOT NULL);\n")
    .write("src/lib.rs", "")
    .commit("one");
    let (code, _, err) = r.run(&["schema"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--migrations migrations/postgresql"), "{err}");
    // The folder's name picks among the features.
    let (code, out, err) = r.run(&["schema", "--migrations", "migrations/mysql", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(json(&out)["dialect"], "mysql");
    let line = reading_line(&err);
    assert!(line.contains("Reading migrations/mysql/ (mysql: diesel feature \"mysql\" (through feature \"mysql\"); the folder's name picks it over postgres, sqlite; --migrations)"), "{line}");
    // --dialect alone narrows `migrations/` to the subfolder named for it.
    let (code, out, err) = r.run(&["schema", "--dialect", "sqlite", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(json(&out)["dialect"], "sqlite");
    assert!(reading_line(&err).contains("Reading migrations/sqlite/ (sqlite: --dialect; folder beside Cargo.toml, its subfolder for sqlite)"), "{err}");
    // So does a feature on by default.
    r.write("Cargo.toml", std::fs::read_to_string(r.path().join("Cargo.toml")).unwrap().replace("default = []", "default = [\"postgresql\"]"));
    let (code, out, err) = r.run(&["schema", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(json(&out)["dialect"], "postgres");
    assert!(reading_line(&err).contains("Reading migrations/postgresql/ (postgres: diesel feature \"postgres\" (through feature \"postgresql\")"), "{err}");
}

#[test]
fn no_database_dependency_is_an_error_never_a_silent_postgres() {
    let r = Repo::new();
    r.write("Cargo.toml", bare_crate("serde = \"1\"\n"))
        .write("migrations/V1__t.sql", "CREATE TABLE t (id INT PRIMARY KEY);\n")
        .write("src/lib.rs", "")
        .commit("one");
    r.write("migrations/V2__t.sql", "ALTER TABLE t ADD COLUMN a TEXT;\n");
    let (code, out, err) = r.run(&["check", "--format", "json"]);
    assert_eq!(code, 2, "{out}\n{err}");
    assert!(err.contains("Cargo.toml: cannot tell the SQL dialect of `migrations/`"), "{err}");
    assert!(err.contains("--dialect <postgres|mysql|sqlite>") && err.contains("[package.metadata.migsafe]"), "{err}");
    // Told, it goes on.
    let (code, _, err) = r.run(&["check", "--dialect", "postgres"]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn migrations_flag_is_relative_to_the_manifest() {
    let r = Repo::new();
    r.write("svc/Cargo.toml", bare_crate("tokio-postgres = \"0.7\"\n"))
        .write("svc/sql/V1__t.sql", "CREATE TABLE t (id INT PRIMARY KEY, a TEXT);\n")
        .write("svc/src/lib.rs", "pub const Q: &str = sql!(\"SELECT a FROM t\");\n")
        .commit("one");
    r.write("svc/sql/V2__t.sql", "ALTER TABLE t DROP COLUMN a;\n").write("svc/src/lib.rs", "");
    // No folder found: the error says how to name it.
    let (code, _, err) = run_in(&r.path().join("svc"), &["check"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no migrations folder found for svc") && err.contains("--migrations <DIR>"), "{err}");
    let (code, out, err) = run_in(&r.path().join("svc"), &["check", "--migrations", "sql", "--format", "json"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(errors(&json(&out)), ["dropped-column-in-use t.a"]);
    assert!(reading_line(&err).contains("Reading svc/sql/ (postgres: dependency tokio-postgres; --migrations)"), "{err}");
    let (code, _, err) = r.run(&["check", "--manifest-path", "svc/Cargo.toml", "--migrations", "sql"]);
    assert_eq!(code, 1, "{err}");
}

// ---------------------------------------------------------------------------
// Workspaces

/// A virtual workspace with no migsafe metadata: `api` and `worker` share the
/// root's `migrations/` (sqlx postgres, inherited from [workspace.dependencies],
/// renamed `db` in worker),
/// `tools` has no database. At N, `a` (read by api) and `b` (written by worker) are dropped.
fn workspace() -> Repo {
    let r = Repo::new();
    r.write(
        "Cargo.toml",
        "[workspace]\nmembers = [\"crates/*\"]\nresolver = \"2\"\n\n[workspace.dependencies]\nsqlx = { version = \"0.8\", features = [\"runtime-tokio\", \"postgres\"] }\ndb = { package = \"sqlx\", version = \"0.8\", features = [\"postgres\"] }\n",
    )
    .write("crates/api/Cargo.toml", "[package]\nname = \"api\"\nversion = \"0.1.0\"\n\n[dependencies]\nsqlx = { workspace = true }\n")
    .write("crates/api/src/lib.rs", "pub const Q: &str = sql!(\"SELECT a FROM t\");\n")
    .write("crates/worker/Cargo.toml", "[package]\nname = \"worker\"\nversion = \"0.1.0\"\n\n[dependencies]\ndb = { workspace = true }\n")
    .write("crates/worker/src/main.rs", "#[touches(write(t.b))]\nfn main() {}\n")
    .write("crates/tools/Cargo.toml", "[package]\nname = \"tools\"\nversion = \"0.1.0\"\n")
    .write("crates/tools/src/main.rs", "fn main() {}\n")
    .write("migrations/V1__t.sql", "CREATE TABLE t (id INT PRIMARY KEY, a TEXT, b TEXT);\n")
    .commit("release 1");
    r.write("migrations/V2__x.sql", "ALTER TABLE t DROP COLUMN a;\nALTER TABLE t DROP COLUMN b;\n")
        .write("crates/api/src/lib.rs", "")
        .write("crates/worker/src/main.rs", "fn main() {}\n")
        .commit("drop a and b");
    r
}

fn packages_line(err: &str) -> &str {
    err.lines().find(|l| l.trim_start().starts_with("Package")).unwrap_or_else(|| panic!("no `Packages` line:\n{err}"))
}

#[test]
fn a_virtual_manifest_reads_every_member() {
    let r = workspace();
    let (code, out, err) = r.run(&["check", "--format", "json"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(errors(&json(&out)), ["dropped-column-in-use t.a", "dropped-column-in-use t.b"]);
    assert_eq!(packages_line(&err).trim(), "Packages api, tools, worker (all 3 members of the workspace at Cargo.toml; no migrations folder for tools: only its event and payload contracts are read)");
    assert!(
        reading_line(&err).contains("Reading migrations/ for api, worker (postgres: api: sqlx feature \"postgres\" (from [workspace.dependencies]), worker: sqlx feature \"postgres\" (from [workspace.dependencies]); folder beside the workspace's Cargo.toml)"),
        "{err}"
    );
    assert!(!err.contains("note:"), "{err}");
}

#[test]
fn a_member_directory_reads_that_member_and_names_the_others_sharing_its_database() {
    let r = workspace();
    let worker = r.path().join("crates/worker");
    let (code, out, err) = run_in(&worker, &["check", "--format", "json"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(errors(&json(&out)), ["dropped-column-in-use t.b"]);
    assert_eq!(packages_line(&err).trim(), "Package worker (1 of 3 members of the workspace at Cargo.toml; --workspace reads all)");
    let note = err.lines().find(|l| l.starts_with("note:")).unwrap_or_else(|| panic!("no note:\n{err}"));
    assert!(note.contains("migrations/ is shared with api, which is not selected") && note.contains("--workspace (or -p api)"), "{note}");
    // --workspace from the member directory reads them all.
    let (code, out, err) = run_in(&worker, &["check", "--workspace", "--format", "json"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(errors(&json(&out)), ["dropped-column-in-use t.a", "dropped-column-in-use t.b"]);
    assert!(!err.contains("note:"), "{err}");
}

#[test]
fn package_flags_select_members() {
    let r = workspace();
    let (code, out, err) = r.run(&["check", "-p", "api", "--format", "json"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(errors(&json(&out)), ["dropped-column-in-use t.a"]);
    assert!(packages_line(&err).contains("Package api (1 of 3"), "{err}");
    assert!(err.contains("note: migrations/ is shared with worker, which is not selected"), "{err}");
    let (code, out, err) = r.run(&["check", "-p", "api", "--package", "worker", "--format", "json"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(errors(&json(&out)), ["dropped-column-in-use t.a", "dropped-column-in-use t.b"]);
    assert!(packages_line(&err).contains("Packages api, worker (2 of 3"), "{err}");
    // footprint and schema take the same flags.
    let (code, out, err) = r.run(&["footprint", "-p", "worker", "--rev", "HEAD~1", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let j = json(&out);
    let files: Vec<&str> = j["sites"].as_array().unwrap().iter().map(|s| s["file"].as_str().unwrap()).collect();
    assert_eq!(files, ["crates/worker/src/main.rs"]);
    let (code, _, err) = r.run(&["schema", "-p", "worker"]);
    assert_eq!(code, 0, "{err}");
    // A name that is no member.
    let (code, _, err) = r.run(&["check", "-p", "wroker"]);
    assert_eq!(code, 2);
    assert!(err.contains("package `wroker` is not in the workspace at Cargo.toml; did you mean `worker`?"), "{err}");
    // A member without a database alone: nothing to check, and said so.
    let (code, _, err) = r.run(&["check", "-p", "tools"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no migrations folder found for tools"), "{err}");
}
