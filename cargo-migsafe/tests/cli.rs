//! End-to-end tests of the `cargo-migsafe` binary on throw-away git
//! repositories: exit statuses, error messages for bad input, and the
//! shape of every output format.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

struct Repo {
    dir: tempfile::TempDir,
}

const MANIFEST: &str =
    "[package]\nname = \"svc\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[package.metadata.migsafe]\nmigrations = \"migrations\"\ndialect = \"postgres\"\n";

impl Repo {
    fn new() -> Repo {
        let dir = tempfile::tempdir().unwrap();
        let r = Repo { dir };
        r.git(&["init", "-q", "-b", "main"]);
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
    fn remove(&self, rel: &str) -> &Self {
        std::fs::remove_file(self.path().join(rel)).unwrap();
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
    fn run(&self, args: &[&str]) -> (i32, String, String) {
        run_in(self.path(), args)
    }
}

fn run_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_cargo-migsafe")).arg("migsafe").args(args).current_dir(dir).env("NO_COLOR", "1").output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// A service at N-1: one table, one query.
fn base_repo() -> Repo {
    let r = Repo::new();
    r.write("Cargo.toml", MANIFEST)
        .write("migrations/V1__users.sql", "CREATE TABLE users (\n    id BIGINT PRIMARY KEY,\n    email TEXT NOT NULL,\n    name TEXT\n);\n")
        .write("src/lib.rs", "use migsafe_runtime::sql;\npub const Q: &str = sql!(\"SELECT id, email FROM users WHERE id = $1\");\n")
        .commit("base");
    r
}

fn json(stdout: &str) -> serde_json::Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

#[test]
fn safe_change_exits_0_with_the_contract_json() {
    let r = base_repo();
    r.write("migrations/V2__nick.sql", "ALTER TABLE users ADD COLUMN nickname TEXT;\n").commit("head");
    let (code, out, err) = r.run(&["check", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let j = json(&out);
    assert_eq!(j["verdict"], "safe");
    assert_eq!(j["pending"], serde_json::json!(["migrations/V2__nick.sql"]));
    assert_eq!(j["base"].as_str().unwrap().len(), 40);
    assert!(j["findings"].as_array().unwrap().is_empty());
    assert!(err.contains("Checking N-1"), "{err}");
}

#[test]
fn dropping_a_column_n_minus_1_reads_exits_1_naming_everything() {
    let r = base_repo();
    r.write("migrations/V2__drop.sql", "-- retire email\nALTER TABLE users DROP COLUMN email;\n")
        .write("src/lib.rs", "use migsafe_runtime::sql;\npub const Q: &str = sql!(\"SELECT id FROM users WHERE id = $1\");\n")
        .commit("head");
    let (code, out, _) = r.run(&["check", "--format", "json"]);
    assert_eq!(code, 1);
    let j = json(&out);
    assert_eq!(j["verdict"], "unsafe");
    let f = &j["findings"][0];
    assert_eq!(f["rule"], "dropped-column-in-use");
    assert_eq!(f["severity"], "error");
    assert_eq!(f["table"], "users");
    assert_eq!(f["column"], "email");
    assert_eq!(f["migration"], serde_json::json!({"file": "migrations/V2__drop.sql", "line": 2}));
    assert_eq!(f["sites"][0]["revision"], "base");
    assert_eq!(f["sites"][0]["file"], "src/lib.rs");
    assert_eq!(f["sites"][0]["line"], 2);
    assert!(f["help"].as_str().unwrap().contains("later"));
    // The human format shows the migration line and the code site, rustc-style.
    let (code, out, _) = r.run(&["check"]);
    assert_eq!(code, 1);
    assert!(out.contains("error[dropped-column-in-use]"), "{out}");
    assert!(out.contains("--> migrations/V2__drop.sql:2"), "{out}");
    assert!(out.contains("ALTER TABLE users DROP COLUMN email;"), "{out}");
    assert!(out.contains("src/lib.rs:2"), "{out}");
    assert!(out.contains("verdict: unsafe"), "{out}");
}

#[test]
fn sarif_and_github_formats() {
    let r = base_repo();
    r.write("migrations/V2__drop.sql", "ALTER TABLE users DROP COLUMN email;\n").write("src/lib.rs", "").commit("head");
    let (code, out, _) = r.run(&["check", "--format", "sarif"]);
    assert_eq!(code, 1);
    let j = json(&out);
    assert_eq!(j["version"], "2.1.0");
    let res = &j["runs"][0]["results"][0];
    assert_eq!(res["ruleId"], "dropped-column-in-use");
    assert_eq!(res["level"], "error");
    assert_eq!(res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "migrations/V2__drop.sql");
    assert!(j["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap().len() > 5);
    let driver = &j["runs"][0]["tool"]["driver"];
    assert!(driver["informationUri"].as_str().unwrap().starts_with("https://"));
    let rule = driver["rules"].as_array().unwrap().iter().find(|r| r["id"] == "dropped-column-in-use").unwrap();
    assert!(rule["helpUri"].as_str().unwrap().ends_with("docs/rules.md#dropped-column-in-use"), "{rule}");
    // The safe SQL travels in the message; related locations say which revision.
    assert!(
        res["message"]["text"].as_str().unwrap().contains("the safe way:\nALTER TABLE")
            || res["message"]["text"].as_str().unwrap().contains("the safe way:\n--"),
        "{res}"
    );
    assert!(res["relatedLocations"][0]["message"]["text"].as_str().unwrap().starts_with("N-1 (base revision)"), "{res}");
    let (code, out, _) = r.run(&["check", "--format", "github"]);
    assert_eq!(code, 1);
    assert!(out.starts_with("::error file=migrations/V2__drop.sql,line=1,title=dropped-column-in-use::"), "{out}");
}

#[test]
fn deny_warnings_turns_warnings_into_failure() {
    let r = base_repo();
    r.write("migrations/V2__idx.sql", "CREATE INDEX users_name ON users (name);\n").commit("head");
    let (code, _, _) = r.run(&["check"]);
    assert_eq!(code, 0);
    let (code, out, _) = r.run(&["check", "--deny", "warnings", "--format", "json"]);
    assert_eq!(code, 1);
    assert_eq!(json(&out)["verdict"], "unsafe");
}

fn expect_exit_2(r: &Repo, args: &[&str], needles: &[&str]) {
    let (code, out, err) = r.run(args);
    assert_eq!(code, 2, "stdout: {out}\nstderr: {err}");
    for n in needles {
        assert!(err.contains(n), "stderr lacks {n:?}:\n{err}");
    }
    assert!(!err.contains("panicked"), "{err}");
}

/// The check ran, reported an `unparsed-statement` error naming `needle`, and
/// exits 2: nothing is proven about a pending statement it cannot parse.
fn expect_unparsed(r: &Repo, args: &[&str], needle: &str) -> serde_json::Value {
    let mut args = args.to_vec();
    args.extend(["--format", "json"]);
    let (code, out, err) = r.run(&args);
    assert_eq!(code, 2, "stdout: {out}\nstderr: {err}");
    assert!(err.contains(needle), "stderr names it too: {err}");
    let j = json(&out);
    assert_eq!(j["verdict"], "unsafe");
    let f = j["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "unparsed-statement")
        .cloned()
        .unwrap_or_else(|| panic!("no unparsed-statement finding: {out}"));
    assert_eq!(f["severity"], "error");
    assert!(f["message"].as_str().unwrap().contains(needle), "{f}");
    j
}

#[test]
fn a_pending_statement_that_does_not_parse_is_an_error_finding_naming_file_line_and_column() {
    let r = base_repo();
    r.write("migrations/V2__nickname.sql", "ALTER TABLE users ADD COLUMN nickname TEXT;\nALTER TABLE users ALTR COLUMN nickname SET DEFAULT '';\n")
        .commit("head");
    let j = expect_unparsed(&r, &["check"], "migrations/V2__nickname.sql:2:19");
    assert!(j["findings"][0]["message"].as_str().unwrap().contains("Expected"), "the parser's message: {j}");
    // The usual comment excuses it.
    r.write(
        "migrations/V2__nickname.sql",
        "ALTER TABLE users ADD COLUMN nickname TEXT;\n-- migsafe:allow(unparsed-statement) only sets a default\nALTER TABLE users ALTR COLUMN nickname SET DEFAULT '';\n",
    );
    // (Uncommitted on main, the default base would be HEAD: name the release before.)
    let (code, out, err) = r.run(&["check", "--base", "HEAD~1", "--format", "json"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert_eq!(json(&out)["findings"], serde_json::json!([]));
}

#[test]
fn an_undo_script_that_does_not_parse_fails_the_check_but_the_check_is_made() {
    let r = base_repo();
    r.write("migrations/V2__note.sql", "ALTER TABLE users ADD COLUMN note TEXT;\n")
        .write("migrations/U2__note.sql", "ALTR TABLE users DRP COLUMN note;\n")
        .commit("head");
    // The deploy runs the up-migration, which is read: the check is made and
    // the broken undo is an error finding (exit 1), not "could not check" (2).
    let (code, out, err) = r.run(&["check", "--format", "json"]);
    assert_eq!(code, 1, "stdout: {out}\nstderr: {err}");
    assert!(!err.contains("could not be made"), "{err}");
    let j = json(&out);
    assert_eq!(j["verdict"], "unsafe");
    assert_eq!(j["findings"][0]["rule"], "unparsed-statement");
    assert!(j["findings"][0]["message"].as_str().unwrap().contains("migrations/U2__note.sql:1:1"), "{j}");
    assert_eq!(j["findings"][0]["migration"], serde_json::json!({"file": "migrations/U2__note.sql", "line": 1}));
    let (_, out, _) = r.run(&["check"]);
    assert!(out.contains("irreversible") && out.contains("the undo does not parse"), "{out}");
}

#[test]
fn truncated_and_binary_migrations_are_clear_errors() {
    let r = base_repo();
    r.write("migrations/V2__cut.sql", "CREATE TABLE orders (\n    id BIGINT PRIMARY KEY,\n    note TEXT DEFAULT 'unfinished\n").commit("head");
    expect_unparsed(&r, &["check"], "migrations/V2__cut.sql:3");
    r.remove("migrations/V2__cut.sql").write("migrations/V2__cut.sql", "CREATE TABLE orders (id BIGINT,").commit("head2");
    expect_unparsed(&r, &["check", "--base", "HEAD~2"], "migrations/V2__cut.sql:1");
    r.remove("migrations/V2__cut.sql").write("migrations/V2__blob.sql", [0xff, 0xfe, 0x00, 0x41]).commit("head3");
    expect_exit_2(&r, &["check", "--base", "HEAD~3"], &["migrations/V2__blob.sql", "not UTF-8"]);
    r.remove("migrations/V2__blob.sql").write("migrations/V2__nul.sql", "CREATE TABLE a (id int);\0\0").commit("head4");
    expect_exit_2(&r, &["check", "--base", "HEAD~4"], &["migrations/V2__nul.sql", "binary"]);
}

#[test]
fn a_tokenizer_error_does_not_hide_a_drop_after_it() {
    // The file starts with SET and has an unterminated quote: the DROP after it is still seen.
    let r = base_repo();
    r.write("migrations/V2__x.sql", "SET lock_timeout = '2s';\nSELECT 'oops;\nALTER TABLE users DROP COLUMN email;\n").commit("head");
    let j = expect_unparsed(&r, &["check"], "migrations/V2__x.sql:2");
    let rules: Vec<&str> = j["findings"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap()).collect();
    assert!(rules.contains(&"dropped-column-in-use"), "{rules:?}");
}

#[test]
fn an_applied_statement_the_parser_cannot_read_does_not_stop_check_or_schema() {
    let r = Repo::new();
    r.write("Cargo.toml", MANIFEST)
        .write(
            "migrations/V1__users.sql",
            "\u{feff}CREATE TABLE users (id BIGINT PRIMARY KEY, email TEXT NOT NULL, name TEXT);\nCREATE INDEX users_name ON users (name);\nALTER INDEX IF EXISTS users_name RENAME TO users_by_name;\nALTER INDEX users_by_name FROBNICATE;\n",
        )
        .write("src/lib.rs", "use migsafe_runtime::sql;\npub const Q: &str = sql!(\"SELECT id, email FROM users WHERE id = $1\");\n")
        .commit("base");
    r.write("migrations/V2__nick.sql", "ALTER TABLE users ADD COLUMN nickname TEXT;\n").commit("head");
    let (code, out, err) = r.run(&["check", "--format", "json"]);
    assert_eq!(code, 0, "{out}\n{err}");
    let j = json(&out);
    let f = &j["findings"][0];
    assert_eq!(f["rule"], "unmodelled-statement", "{j}");
    assert_eq!(f["severity"], "info");
    assert_eq!(f["migration"], serde_json::json!({"file": "migrations/V1__users.sql", "line": 4}));
    assert!(f["message"].as_str().unwrap().contains("`users_by_name`"), "{f}");
    // `schema` prints it as a warning and exits 0; the rename before it is applied.
    let (code, out, err) = r.run(&["schema", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    assert!(json(&out)["indexes"]["users_by_name"].is_object(), "{out}");
    assert!(err.contains("warning: migrations/V1__users.sql:4:") && err.contains("does not parse"), "{err}");
}

#[test]
fn diesel_ignores_a_loose_data_file_and_schema_says_so() {
    let r = Repo::new();
    r.write("Cargo.toml", MANIFEST)
        .write("migrations/00000000000000_diesel_initial_setup/up.sql", "SELECT 1;\n")
        .write("migrations/2024-01-01-000000_users/up.sql", "CREATE TABLE users (id BIGINT PRIMARY KEY, email TEXT NOT NULL, name TEXT);\n")
        .write("migrations/2024-01-01-000000_users/down.sql", "DROP TABLE users;\n")
        .write("migrations/countries.sql", "INSERT INTO countries VALUES ('fr');\n")
        .write("src/lib.rs", "use migsafe_runtime::sql;\npub const Q: &str = sql!(\"SELECT id, email FROM users WHERE id = $1\");\n")
        .commit("base");
    r.write("migrations/2024-02-01-000000_nick/up.sql", "ALTER TABLE users ADD COLUMN nickname TEXT;\n")
        .write("migrations/2024-02-01-000000_nick/down.sql", "ALTER TABLE users DROP COLUMN nickname;\n")
        .commit("head");
    let (code, out, err) = r.run(&["check", "--format", "json"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert_eq!(json(&out)["pending"], serde_json::json!(["migrations/2024-02-01-000000_nick/up.sql"]));
    let (code, out, err) = r.run(&["schema"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("ignored migrations/countries.sql: diesel reads only"), "{out}");
    let (code, _, err) = r.run(&["schema", "--format", "json"]);
    assert_eq!(code, 0);
    assert!(err.contains("note: migrations/countries.sql:1:1: diesel reads only"), "{err}");
}

#[test]
fn duplicate_versions_stop_the_check_naming_both_files() {
    let r = base_repo();
    r.write("migrations/V2__a.sql", "ALTER TABLE users ADD COLUMN a INT;\n")
        .write("migrations/V2.0__b.sql", "ALTER TABLE users DROP COLUMN email;\n")
        .commit("head");
    expect_exit_2(&r, &["check"], &["migrations/V2.0__b.sql", "migrations/V2__a.sql", "one version"]);
}

#[test]
fn bad_configuration_is_an_error_naming_the_manifest() {
    let r = base_repo();
    r.write("Cargo.toml", MANIFEST.replace("postgres", "oracle")).commit("head");
    expect_exit_2(&r, &["check"], &["Cargo.toml", "unknown dialect `oracle`"]);
    expect_exit_2(&r, &["schema"], &["Cargo.toml", "unknown dialect `oracle`"]);
    // Said once: the message is not repeated as its own cause.
    let (_, _, err) = r.run(&["check"]);
    assert_eq!(err.matches("unknown dialect").count(), 1, "{err}");
}

/// Issue 11: wrong shapes were ignored (defaults used), an absolute folder was
/// taken as repository-relative, and TOML errors had no line.
#[test]
fn bad_manifests_are_errors_at_their_line() {
    let r = base_repo();
    let cases: &[(String, &[&str])] = &[
        (
            MANIFEST.replace("[package.metadata.migsafe]", "[[package.metadata.migsafe]]"),
            &["Cargo.toml:6:1:", "`package.metadata.migsafe` must be a table", "not an array of tables"],
        ),
        (
            MANIFEST.replace("[package.metadata.migsafe]\nmigrations = \"migrations\"\ndialect = \"postgres\"\n", "[package.metadata]\nmigsafe = \"sqlite\"\n"),
            &["Cargo.toml:7:11:", "`package.metadata.migsafe` must be a table", "not a string"],
        ),
        (MANIFEST.replace("migrations = \"migrations\"", "migrations = \"/migrations\""), &["Cargo.toml:7:14:", "absolute path"]),
        (format!("{MANIFEST}allow = \"x\"\n"), &["Cargo.toml:9:9:", "`allow` must be a list of rule ids"]),
        (format!("{MANIFEST}# a comment \0\n"), &["Cargo.toml:9:13:", "not valid TOML", "U+0000"]),
    ];
    for (manifest, expected) in cases {
        r.write("Cargo.toml", manifest);
        expect_exit_2(&r, &["check", "--base", "HEAD"], expected);
        expect_exit_2(&r, &["schema"], expected);
    }
}

#[test]
fn missing_empty_and_escaping_migration_folders() {
    let r = base_repo();
    r.write("Cargo.toml", MANIFEST.replace("migrations = \"migrations\"", "migrations = \"db/none\"")).commit("head");
    expect_exit_2(&r, &["schema"], &["db/none", "does not exist"]);
    expect_exit_2(&r, &["schema", "--migrations", "db/nowhere"], &["--migrations: the folder `db/nowhere`", "relative to the directory of the manifest"]);
    r.write("Cargo.toml", MANIFEST.replace("migrations = \"migrations\"", "migrations = \"../../etc\""));
    expect_exit_2(&r, &["schema"], &["Cargo.toml", "outside the repository"]);
    r.write("Cargo.toml", MANIFEST.replace("migrations = \"migrations\"", "migrations = \"empty\"")).write("empty/README.md", "nothing yet");
    expect_exit_2(&r, &["schema"], &["empty", "holds no migrations"]);
}

#[test]
fn no_configuration_says_what_to_add() {
    let r = Repo::new();
    r.write("Cargo.toml", "[package]\nname = \"x\"\nversion = \"0.1.0\"\n").write("src/lib.rs", "").commit("a");
    r.write("src/lib.rs", "// b").commit("b");
    expect_exit_2(&r, &["check"], &["[package.metadata.migsafe]", "migrations = \"migrations\""]);
}

#[test]
fn unknown_revisions_and_shallow_clones() {
    let r = base_repo();
    r.write("migrations/V2__x.sql", "ALTER TABLE users ADD COLUMN x INT;\n").commit("head");
    expect_exit_2(&r, &["check", "--base", "no-such-branch"], &["unknown revision `no-such-branch`"]);
    // A shallow clone of depth 1 has no HEAD~1.
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", r.path().display());
    let st = Command::new("git").args(["clone", "-q", "--depth", "1", &url, "."]).current_dir(clone.path()).output().unwrap();
    assert!(st.status.success(), "{}", String::from_utf8_lossy(&st.stderr));
    let (code, _, err) = run_in(clone.path(), &["check", "--base", "HEAD~1"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("shallow clone") && err.contains("fetch-depth: 0"), "{err}");
}

#[test]
fn outside_git_check_refuses_but_schema_works() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Cargo.toml"), MANIFEST).unwrap();
    std::fs::create_dir(dir.path().join("migrations")).unwrap();
    std::fs::write(dir.path().join("migrations/V1__t.sql"), "CREATE TABLE t (id INT NOT NULL, v VARCHAR(8));").unwrap();
    let (code, _, err) = run_in(dir.path(), &["check"]);
    assert_eq!(code, 2);
    assert!(err.contains("not inside a git repository"), "{err}");
    let (code, out, err) = run_in(dir.path(), &["schema", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let j = json(&out);
    assert_eq!(j["tables"]["t"]["columns"]["id"]["type"], "integer");
    assert_eq!(j["tables"]["t"]["columns"]["id"]["nullable"], false);
    assert_eq!(j["tables"]["t"]["columns"]["v"]["type"], "character varying");
    assert_eq!(j["tables"]["t"]["columns"]["v"]["nullable"], true);
}

/// Issue 11: without git on PATH, `check` said "not inside a git repository".
#[test]
fn without_git_check_says_git_cannot_be_run_and_schema_still_works() {
    let r = Repo::new();
    r.write("Cargo.toml", MANIFEST).write("migrations/V1__t.sql", "CREATE TABLE t (id INT NOT NULL);").commit("base");
    let no_git = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let out =
            Command::new(env!("CARGO_BIN_EXE_cargo-migsafe")).arg("migsafe").args(args).current_dir(r.path()).env("PATH", no_git.path()).output().unwrap();
        (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    let (code, err) = run(&["check", "--base", "HEAD"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("cannot run git") && !err.contains("not inside a git repository"), "{err}");
    let (code, err) = run(&["schema"]);
    assert_eq!(code, Some(0), "{err}");
    let (code, err) = run(&["schema", "--rev", "HEAD"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("--rev needs git: cannot run git"), "{err}");
}

/// Issue 11: a Cargo.toml that is a link out of the repository gave "not
/// inside a git repository (<the link's target folder>)".
#[test]
fn a_manifest_linked_from_outside_the_repository_is_named() {
    let r = Repo::new();
    r.write("svc/migrations/V1__t.sql", "CREATE TABLE t (id INT NOT NULL);").write("README.md", "x").commit("base");
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("Cargo.toml"), MANIFEST).unwrap();
    std::os::unix::fs::symlink(outside.path().join("Cargo.toml"), r.path().join("svc/Cargo.toml")).unwrap();
    let (code, _, err) = r.run(&["check", "--base", "HEAD", "--manifest-path", "svc/Cargo.toml"]);
    assert_eq!(code, 2, "{err}");
    assert!(!err.contains("not inside a git repository"), "{err}");
    assert!(err.contains("svc/Cargo.toml") && err.contains("leaves the repository"), "{err}");
}

#[test]
fn rust_source_that_does_not_parse_is_unseen_naming_the_file_never_safe() {
    // syn may not read what rustc takes (and N-1 compiled once): what the file
    // runs is not checked, and the report says where.
    let r = base_repo();
    r.write("src/lib.rs", "use migsafe_runtime::sql;\npub const Q: &str = sql!(\"SELECT id FROM users\";\n").commit("head");
    let (code, out, err) = r.run(&["check", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let j = json(&out);
    assert_eq!(j["verdict"], "unproven");
    let f = &j["findings"][0];
    assert_eq!(f["rule"], "unseen-site");
    assert_eq!(f["sites"][0]["file"], "src/lib.rs");
    assert_eq!(f["sites"][0]["line"], 2);
    let (code, _, _) = r.run(&["check", "--deny", "unseen"]);
    assert_eq!(code, 1);
}

#[test]
fn schema_and_footprint_at_a_revision() {
    let r = base_repo();
    r.write("migrations/V2__x.sql", "ALTER TABLE users RENAME COLUMN name TO full_name;\n").commit("head");
    let (code, out, _) = r.run(&["schema", "--format", "json"]);
    assert_eq!(code, 0);
    assert!(json(&out)["tables"]["users"]["columns"].get("full_name").is_some());
    let (code, out, _) = r.run(&["schema", "--rev", "HEAD~1", "--format", "json"]);
    assert_eq!(code, 0);
    assert!(json(&out)["tables"]["users"]["columns"].get("name").is_some());
    let (code, out, _) = r.run(&["footprint", "--format", "json"]);
    assert_eq!(code, 0);
    let j = json(&out);
    let site = &j["sites"][0];
    assert_eq!(site["file"], "src/lib.rs");
    assert_eq!(site["line"], 2);
    let touches: Vec<String> = site["touches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| format!("{} {}.{}", t["access"].as_str().unwrap(), t["table"].as_str().unwrap(), t["column"].as_str().unwrap()))
        .collect();
    assert_eq!(touches, ["read users.id", "read users.email", "filter users.id"]);
}

#[test]
fn workspace_members_sharing_one_database() {
    let r = Repo::new();
    r.write("Cargo.toml", "[workspace]\nmembers = [\"crates/*\"]\n\n[workspace.metadata.migsafe]\nmigrations = \"migrations\"\ndialect = \"postgres\"\n")
        .write("crates/api/Cargo.toml", "[package]\nname = \"api\"\nversion = \"0.1.0\"\n")
        .write("crates/api/src/lib.rs", "pub const Q: &str = sql!(\"SELECT a FROM t\");\n")
        .write("crates/worker/Cargo.toml", "[package]\nname = \"worker\"\nversion = \"0.1.0\"\n")
        .write("crates/worker/src/main.rs", "#[touches(write(t.b))]\nfn main() {}\n")
        .write("migrations/V1__t.sql", "CREATE TABLE t (id INT PRIMARY KEY, a TEXT, b TEXT);\n")
        .commit("base");
    r.write("migrations/V2__x.sql", "ALTER TABLE t DROP COLUMN a;\nALTER TABLE t DROP COLUMN b;\n")
        .write("crates/api/src/lib.rs", "")
        .write("crates/worker/src/main.rs", "fn main() {}\n")
        .commit("head");
    let (code, out, err) = r.run(&["check", "--format", "json"]);
    assert_eq!(code, 1, "{err}");
    let j = json(&out);
    // Errors only: the drops also (rightly) draw lock-without-timeout advice.
    let mut got: Vec<String> = j["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .map(|f| format!("{} {}", f["column"].as_str().unwrap_or(""), f["sites"][0]["file"].as_str().unwrap_or("")))
        .collect();
    got.sort();
    assert_eq!(got, ["a crates/api/src/lib.rs", "b crates/worker/src/main.rs"]);
    // From a member directory, the workspace settings still apply.
    let (code, _, err) = run_in(&r.path().join("crates/api"), &["check", "--format", "json"]);
    assert_eq!(code, 1, "{err}");
}

#[test]
fn explain_and_help() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let (code, out, _) = run_in(&dir, &["explain", "dropped-column-in-use"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("# dropped-column-in-use (error; N-1 on the new schema; all engines)"), "{out}");
    assert!(out.contains("expand / contract"));
    let (_, out, _) = run_in(&dir, &["explain", "index-without-concurrently"]);
    assert!(out.starts_with("# index-without-concurrently (warning; migration hazard; postgres)"), "{out}");
    let (code, out, _) = run_in(&dir, &["explain"]);
    assert_eq!(code, 0);
    assert!(out.contains("renamed-column-in-use"));
    let (code, _, err) = run_in(&dir, &["explain", "dropped-colum-in-use"]);
    assert_eq!(code, 2);
    assert!(err.contains("did you mean `dropped-column-in-use`"), "{err}");
    let (code, out, _) = run_in(&dir, &["check", "--help"]);
    assert_eq!(code, 0);
    assert!(out.contains("--base <REV>") && out.contains("--manifest-path <PATH>") && out.contains("--format <FORMAT>"), "{out}");
}

#[test]
fn a_check_that_cannot_be_made_speaks_every_format() {
    let r = base_repo();
    r.write("src/lib.rs", "use migsafe_runtime::Table;\n#[derive(Table)]\npub struct Order { pub id: i64 }\n").commit("head");
    let (code, out, err) = r.run(&["check", "--base", "HEAD~1", "--format", "json"]);
    assert_eq!(code, 2, "{err}");
    let j = json(&out);
    assert_eq!(j["verdict"], "error");
    assert_eq!(j["version"], 1);
    assert_eq!(j["diagnostics"][0]["file"], "src/lib.rs");
    assert_eq!(j["diagnostics"][0]["line"], 3);
    assert!(j["diagnostics"][0]["message"].as_str().unwrap().contains("needs the table it maps"), "{j}");
    let (code, out, _) = r.run(&["check", "--base", "HEAD~1", "--format", "github"]);
    assert_eq!(code, 2);
    assert!(out.starts_with("::error file=src/lib.rs,line=3,title=migsafe could not check::"), "{out}");
    let (code, out, _) = r.run(&["check", "--base", "HEAD~1", "--format", "sarif"]);
    assert_eq!(code, 2);
    let j = json(&out);
    assert_eq!(j["runs"][0]["invocations"][0]["executionSuccessful"], false);
    assert_eq!(j["runs"][0]["invocations"][0]["toolExecutionNotifications"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "src/lib.rs");
    // An error without a file (an unknown revision) still gives the shape.
    let (code, out, _) = r.run(&["check", "--base", "no-such-rev", "--format", "json"]);
    assert_eq!(code, 2);
    let j = json(&out);
    assert_eq!(j["verdict"], "error");
    assert!(j["error"].as_str().unwrap().contains("no-such-rev"), "{j}");
    let (code, out, _) = r.run(&["check", "--base", "no-such-rev", "--format", "github"]);
    assert_eq!(code, 2);
    assert!(out.starts_with("::error title=migsafe could not check::"), "{out}");
}

#[test]
fn unchanged_sources_that_read_a_changed_file_are_scanned_again() {
    // The Rust is the same at N-1 and N, but the query file it reads is not:
    // N-1 must be judged by its own file.
    let r = Repo::new();
    r.write("Cargo.toml", format!("{MANIFEST}\n[dependencies]\nsqlx = {{ version = \"0.8\", features = [\"postgres\"] }}\n"))
        .write("migrations/V1__users.sql", "CREATE TABLE users (id BIGINT PRIMARY KEY, email TEXT NOT NULL, name TEXT);\n")
        .write("src/lib.rs", "pub async fn f(p: &sqlx::PgPool) { sqlx::query_file!(\"queries/q.sql\").fetch_all(p).await; }\n")
        .write("queries/q.sql", "SELECT name FROM users")
        .commit("base");
    r.write("queries/q.sql", "SELECT email FROM users").write("migrations/V2__drop.sql", "ALTER TABLE users DROP COLUMN name;\n").commit("head");
    let (code, out, err) = r.run(&["check", "--base", "HEAD~1", "--format", "json"]);
    assert_eq!(code, 1, "{out}{err}");
    let j = json(&out);
    assert_eq!(j["findings"][0]["rule"], "dropped-column-in-use", "{j}");
    assert_eq!(j["findings"][0]["sites"][0]["revision"], "base");
}

#[test]
fn a_reader_that_stops_early_is_no_panic() {
    use std::io::Read;
    use std::process::Stdio;
    // More output than a pipe holds (64 KiB), so the writer meets the closed pipe.
    let r = Repo::new();
    let tables: String = (0..1500).map(|i| format!("CREATE TABLE table_number_{i} (id BIGINT PRIMARY KEY, name TEXT NOT NULL);\n")).collect();
    r.write("Cargo.toml", MANIFEST).write("migrations/V1__many.sql", tables).write("src/lib.rs", "").commit("base");
    let mut child = Command::new(env!("CARGO_BIN_EXE_cargo-migsafe"))
        .args(["migsafe", "schema"])
        .current_dir(r.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read a little (like `| head -1`), then close the pipe.
    let mut stdout = child.stdout.take().unwrap();
    let mut some = [0u8; 64];
    stdout.read_exact(&mut some).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

/// Issue 11: a symlinked migration was read from git as its link text (so
/// `check` failed forever once it was in the base), and a dangling one
/// vanished from the working tree.
#[test]
fn symlinked_migrations_read_alike_in_the_base_and_the_working_tree() {
    let r = Repo::new();
    r.write("Cargo.toml", MANIFEST)
        .write("db/V1__users.sql", "CREATE TABLE users (\n    id BIGINT PRIMARY KEY,\n    email TEXT NOT NULL\n);\n")
        .write("src/lib.rs", "use migsafe_runtime::sql;\npub const Q: &str = sql!(\"SELECT id, email FROM users WHERE id = $1\");\n");
    std::fs::create_dir_all(r.path().join("migrations")).unwrap();
    std::os::unix::fs::symlink("../db/V1__users.sql", r.path().join("migrations/V1__users.sql")).unwrap();
    r.commit("base");
    r.write("migrations/V2__drop.sql", "ALTER TABLE users DROP COLUMN email;\n").commit("head");
    let (code, out, err) = r.run(&["check", "--format", "json"]);
    assert_eq!(code, 1, "{err}");
    let findings = json(&out)["findings"].as_array().unwrap().clone();
    assert!(findings.iter().any(|f| f["rule"] == "dropped-column-in-use" && f["column"] == "email"), "{out}");
    let (code, out, err) = r.run(&["schema", "--rev", "HEAD~1", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    assert!(json(&out)["tables"]["users"]["columns"]["email"].is_object(), "{out}");

    // A dangling link and one leaving the repository: errors naming them, now and from git.
    r.remove("migrations/V2__drop.sql");
    std::os::unix::fs::symlink("V9__gone.sql", r.path().join("migrations/V2__gone.sql")).unwrap();
    expect_exit_2(&r, &["check", "--base", "HEAD"], &["migrations/V2__gone.sql", "does not exist"]);
    r.commit("dangling");
    expect_exit_2(&r, &["schema", "--rev", "HEAD"], &["migrations/V2__gone.sql", "does not exist"]);
    r.remove("migrations/V2__gone.sql");
    std::os::unix::fs::symlink("../../elsewhere.sql", r.path().join("migrations/V2__out.sql")).unwrap();
    expect_exit_2(&r, &["check", "--base", "HEAD~1"], &["migrations/V2__out.sql", "leaves the repository"]);
}
