//! `cargo migsafe verify` against the real PostgreSQL (127.0.0.1:5432),
//! MariaDB (127.0.0.1:3306) and SQLite: a scratch database migrated by a
//! fixture's migrations has no drift and the fixture's code works on it;
//! then hand-made drift (a column added, an index dropped, an enum value
//! missing, a nullability changed) is found, each with the migration that
//! should have made the object; a renamed column breaks the code's site.
//! Bad URLs and unreachable servers are errors (exit 2) that name the URL
//! without its password.

mod common;

use mysql::prelude::Queryable;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

fn scratch_name() -> String {
    format!("migsafe_live_{}_{}", std::process::id(), COUNTER.fetch_add(1, Ordering::SeqCst))
}

/// A scratch database on a live server (or a SQLite file), dropped on drop, also when the test panics.
enum Scratch {
    Pg(String),
    My(String),
    /// The file, in a directory removed with it.
    Lite {
        path: PathBuf,
        _dir: tempfile::TempDir,
    },
}

const PG_ADMIN: &str = "host=127.0.0.1 port=5432 user=postgres dbname=test";

fn my_conn(db: Option<&str>) -> mysql::Conn {
    let o = mysql::OptsBuilder::new().ip_or_hostname(Some("127.0.0.1")).tcp_port(3306).user(Some("root")).pass(Some("")).db_name(db);
    mysql::Conn::new(o).expect("MariaDB at 127.0.0.1:3306")
}

impl Scratch {
    fn pg() -> Scratch {
        let name = scratch_name();
        postgres::Client::connect(PG_ADMIN, postgres::NoTls).expect("PostgreSQL at 127.0.0.1:5432").batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
        Scratch::Pg(name)
    }
    fn my() -> Scratch {
        let name = scratch_name();
        my_conn(None).query_drop(format!("CREATE DATABASE {name}")).unwrap();
        Scratch::My(name)
    }
    fn lite() -> Scratch {
        let dir = tempfile::tempdir().unwrap();
        Scratch::Lite { path: dir.path().join("app.db"), _dir: dir }
    }
    fn url(&self) -> String {
        match self {
            Scratch::Pg(n) => format!("postgres://postgres:not-shown@127.0.0.1:5432/{n}"),
            Scratch::My(n) => format!("mariadb://root@127.0.0.1:3306/{n}"),
            Scratch::Lite { path, .. } => format!("sqlite:{}", path.display()),
        }
    }
    /// Run a script as a whole, as the migration tool does.
    fn run(&self, script: &str) {
        match self {
            Scratch::Pg(n) => postgres::Client::connect(&format!("host=127.0.0.1 port=5432 user=postgres dbname={n}"), postgres::NoTls)
                .unwrap()
                .batch_execute(script)
                .unwrap_or_else(|e| panic!("{script}: {e:?}")),
            Scratch::My(n) => {
                let mut c = my_conn(Some(n));
                for statement in script.split(';').filter(|s| !s.trim().is_empty()) {
                    c.query_drop(statement).unwrap_or_else(|e| panic!("{statement}: {e}"));
                }
            }
            Scratch::Lite { path, .. } => rusqlite::Connection::open(path).unwrap().execute_batch(script).unwrap_or_else(|e| panic!("{script}: {e}")),
        }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        match self {
            Scratch::Pg(n) => {
                if let Ok(mut c) = postgres::Client::connect(PG_ADMIN, postgres::NoTls) {
                    let _ = c.batch_execute(&format!("DROP DATABASE IF EXISTS {n} WITH (FORCE)"));
                }
            }
            Scratch::My(n) => {
                let _ = my_conn(None).query_drop(format!("DROP DATABASE IF EXISTS {n}"));
            }
            Scratch::Lite { .. } => {}
        }
    }
}

/// A fixture service: its manifest, migrations and code, in a git repository.
struct Fixture {
    dir: tempfile::TempDir,
    migrations: Vec<(&'static str, String)>,
}

impl Fixture {
    fn new(dialect: &str, deps: &str, migrations: &[(&'static str, &str)], lib: &str) -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let f = Fixture { dir, migrations: migrations.iter().map(|(n, t)| (*n, t.to_string())).collect() };
        f.write(
            "Cargo.toml",
            &format!("[package]\nname = \"svc\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\n{deps}\n[package.metadata.migsafe]\nmigrations = \"migrations\"\ndialect = \"{dialect}\"\n"),
        );
        for (name, text) in migrations {
            f.write(&format!("migrations/{name}"), text);
        }
        f.write("src/lib.rs", lib);
        common::git(f.path(), &["init", "-q", "-b", "main"]);
        common::git(f.path(), &["add", "-A"]);
        common::git(f.path(), &["commit", "-q", "-m", "service"]);
        f
    }
    fn path(&self) -> &Path {
        self.dir.path()
    }
    fn write(&self, rel: &str, text: &str) {
        let p = self.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    /// Apply every migration to `db`, as the migration tool would.
    fn migrate(&self, db: &Scratch) {
        for (_, text) in &self.migrations {
            db.run(text);
        }
    }
    fn verify(&self, db: &Scratch, extra: &[&str]) -> (i32, Value, String) {
        let out = Command::new(env!("CARGO_BIN_EXE_cargo-migsafe"))
            .args(["migsafe", "verify", "--format", "json", "--database-url", &db.url()])
            .args(extra)
            .current_dir(self.path())
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        let json = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{stdout}\n{stderr}"));
        (out.status.code().unwrap_or(-1), json, stderr)
    }
}

/// Each drift finding as (table, column, message start, migration file:line).
fn drift(json: &Value) -> Vec<(String, String, String, String)> {
    json["drift"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let m = &f["migration"];
            (
                f["table"].as_str().unwrap().to_string(),
                f["column"].as_str().unwrap_or("").to_string(),
                f["message"].as_str().unwrap().to_string(),
                if m.is_null() { String::new() } else { format!("{}:{}", m["file"].as_str().unwrap(), m["line"]) },
            )
        })
        .collect()
}

/// `found` has one finding whose table, column and migration are these and whose message contains `says`.
fn has(found: &[(String, String, String, String)], table: &str, column: &str, says: &str, migration: &str) {
    assert!(
        found.iter().any(|(t, c, m, at)| t == table && c == column && m.contains(says) && at == migration),
        "no drift on {table}.{column} saying {says:?} at {migration:?} in\n{found:#?}"
    );
}

fn assert_clean(code: i32, json: &Value, stderr: &str) {
    assert_eq!(code, 0, "{json:#}\n{stderr}");
    assert_eq!(json["drift"], Value::Array(vec![]), "{json:#}");
    assert_eq!(json["footprint"], Value::Array(vec![]), "{json:#}");
    assert!(json["sites"].as_u64().unwrap() >= 1, "{json:#}");
}

const PG_V1: &str = "CREATE TYPE order_status AS ENUM ('pending', 'paid');
CREATE TABLE orders (
    id BIGSERIAL PRIMARY KEY,
    customer_id BIGINT NOT NULL,
    status order_status NOT NULL DEFAULT 'pending',
    payment_ref TEXT
);
";
const PG_V2: &str = "ALTER TYPE order_status ADD VALUE 'refunded';
CREATE INDEX orders_customer_idx ON orders (customer_id);
";
const PG_LIB: &str = "use migsafe_runtime::sql;\npub const PAID: &str = sql!(\"SELECT id, payment_ref FROM orders WHERE status = 'paid'\");\n";

#[test]
fn postgres_verify_finds_each_hand_made_drift_with_its_migration() {
    let fx = Fixture::new("postgres", "migsafe-runtime = \"0.1\"\n", &[("V1__orders.sql", PG_V1), ("V2__refunds.sql", PG_V2)], PG_LIB);
    let db = Scratch::pg();
    fx.migrate(&db);
    let (code, json, stderr) = fx.verify(&db, &[]);
    assert_clean(code, &json, &stderr);
    assert!(!json.to_string().contains("not-shown"), "the password is shown: {json:#}");

    // The enum value's migration "failed": a second database built without it.
    let partial = Scratch::pg();
    partial.run(PG_V1);
    partial.run("CREATE INDEX orders_customer_idx ON orders (customer_id);");
    let (code, json, _) = fx.verify(&partial, &[]);
    assert_eq!(code, 1, "{json:#}");
    assert_eq!(drift(&json).len(), 1, "{json:#}");
    has(&drift(&json), "order_status", "", "lacks the value 'refunded'", "migrations/V2__refunds.sql:1");

    db.run("ALTER TABLE orders ADD COLUMN note TEXT; DROP INDEX orders_customer_idx; ALTER TABLE orders ALTER COLUMN customer_id DROP NOT NULL;");
    db.run("ALTER TABLE orders ALTER COLUMN status SET DEFAULT 'paid', ALTER COLUMN payment_ref TYPE VARCHAR(32);");
    let (code, json, _) = fx.verify(&db, &[]);
    assert_eq!(code, 1, "{json:#}");
    let found = drift(&json);
    assert_eq!(found.len(), 5, "{found:#?}");
    has(
        &found,
        "orders",
        "status",
        "has DEFAULT 'pending' in the migrations (migrations/V1__orders.sql:2) but DEFAULT 'paid'::order_status",
        "migrations/V1__orders.sql:2",
    );
    has(&found, "orders", "payment_ref", "the migrations make it text but the live database has character varying(32)", "migrations/V1__orders.sql:2");
    has(&found, "orders", "note", "no migration adds it", "");
    has(&found, "orders", "", "index `orders_customer_idx`", "migrations/V2__refunds.sql:2");
    has(&found, "orders", "customer_id", "is NOT NULL in the migrations", "migrations/V1__orders.sql:2");

    // The code's footprint, against the same database: a renamed column breaks the site that reads it.
    db.run("ALTER TABLE orders RENAME COLUMN payment_ref TO provider_ref;");
    let (_, json, _) = fx.verify(&db, &[]);
    let site = &json["footprint"][0];
    assert_eq!((site["rule"].as_str(), site["column"].as_str()), (Some("head-schema-mismatch"), Some("payment_ref")), "{json:#}");
    assert_eq!((site["sites"][0]["file"].as_str(), site["sites"][0]["line"].as_u64()), (Some("src/lib.rs"), Some(2)), "{json:#}");
}

#[test]
fn postgres_verify_rev_compares_an_older_release() {
    let fx = Fixture::new("postgres", "migsafe-runtime = \"0.1\"\n", &[("V1__orders.sql", PG_V1)], PG_LIB);
    fx.write("migrations/V2__refunds.sql", PG_V2);
    common::git(fx.path(), &["add", "-A"]);
    common::git(fx.path(), &["commit", "-q", "-m", "refunds"]);
    let db = Scratch::pg();
    db.run(PG_V1);
    db.run(PG_V2);
    // N-1 (HEAD~1) made neither the enum value nor the index: both are drift against it, and its code still works.
    let (code, json, stderr) = fx.verify(&db, &["--rev", "HEAD~1"]);
    assert_eq!(code, 1, "{json:#}\n{stderr}");
    let found = drift(&json);
    assert_eq!(found.len(), 2, "{found:#?}");
    has(&found, "order_status", "", "has the value 'refunded' in the live database, but no migration adds it", "");
    has(&found, "orders", "", "index `orders_customer_idx`", "");
    assert_eq!(json["footprint"], Value::Array(vec![]), "{json:#}");
    assert!(json["revision"].as_str().unwrap().starts_with("HEAD~1 ("), "{json:#}");
}

const MY_V1: &str = "CREATE TABLE orders (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    customer_id BIGINT NOT NULL,
    status ENUM('pending', 'paid') NOT NULL DEFAULT 'pending',
    payment_ref VARCHAR(64)
);
";
const MY_V2: &str = "ALTER TABLE orders MODIFY status ENUM('pending', 'paid', 'refunded') NOT NULL DEFAULT 'pending';
CREATE INDEX orders_customer_idx ON orders (customer_id);
";

#[test]
fn mariadb_verify_finds_each_hand_made_drift_with_its_migration() {
    // Read through sqlx's API, not an annotation: verify reads every source `check` reads.
    let lib = "pub async fn paid(db: &sqlx::MySqlPool) -> sqlx::Result<()> {\n    sqlx::query(\"SELECT id, payment_ref FROM orders WHERE status = 'paid'\").execute(db).await?;\n    Ok(())\n}\n";
    let fx = Fixture::new("mysql", "sqlx = { version = \"0.8\", features = [\"mysql\"] }\n", &[("V1__orders.sql", MY_V1), ("V2__refunds.sql", MY_V2)], lib);
    let db = Scratch::my();
    fx.migrate(&db);
    let (code, json, stderr) = fx.verify(&db, &[]);
    assert_clean(code, &json, &stderr);

    db.run("ALTER TABLE orders ADD COLUMN note TEXT; DROP INDEX orders_customer_idx ON orders; ALTER TABLE orders MODIFY customer_id BIGINT NULL; ALTER TABLE orders MODIFY status ENUM('pending', 'paid') NOT NULL DEFAULT 'pending';");
    let (code, json, _) = fx.verify(&db, &[]);
    assert_eq!(code, 1, "{json:#}");
    let found = drift(&json);
    assert_eq!(found.len(), 4, "{found:#?}");
    has(&found, "orders", "note", "no migration adds it", "");
    has(&found, "orders", "", "index `orders_customer_idx`", "migrations/V2__refunds.sql:2");
    has(&found, "orders", "customer_id", "is NOT NULL in the migrations", "migrations/V1__orders.sql:1");
    has(&found, "orders", "status", "lacks the enum values 'refunded'", "migrations/V2__refunds.sql:1");

    db.run("ALTER TABLE orders RENAME COLUMN payment_ref TO provider_ref;");
    let (_, json, _) = fx.verify(&db, &[]);
    let site = &json["footprint"][0];
    assert_eq!((site["column"].as_str(), site["sites"][0]["line"].as_u64()), (Some("payment_ref"), Some(2)), "{json:#}");
}

const LITE_V1: &str = "CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    customer_id BIGINT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    payment_ref TEXT
);
";
const LITE_V2: &str = "CREATE INDEX orders_customer_idx ON orders (customer_id);\n";

#[test]
fn sqlite_verify_finds_each_hand_made_drift_with_its_migration() {
    let fx = Fixture::new("sqlite", "migsafe-runtime = \"0.1\"\n", &[("V1__orders.sql", LITE_V1), ("V2__index.sql", LITE_V2)], PG_LIB);
    let db = Scratch::lite();
    fx.migrate(&db);
    let (code, json, stderr) = fx.verify(&db, &[]);
    assert_clean(code, &json, &stderr);
    let human = |db: &Scratch| {
        let out =
            Command::new(env!("CARGO_BIN_EXE_cargo-migsafe")).args(["migsafe", "verify", "--database-url", &db.url()]).current_dir(fx.path()).output().unwrap();
        (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let (code, out) = human(&db);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.ends_with("(migrations, 2 migrations): 0 drift errors, 0 drift warnings; 0 of 1 sites do not work on it\n"), "{out}");

    // SQLite cannot change a column's nullability: the table rebuilt by hand (which also drops its index).
    db.run(
        "CREATE TABLE orders_new (id INTEGER PRIMARY KEY, customer_id BIGINT, status TEXT NOT NULL DEFAULT 'pending', payment_ref TEXT);
         INSERT INTO orders_new SELECT * FROM orders; DROP TABLE orders; ALTER TABLE orders_new RENAME TO orders;
         ALTER TABLE orders ADD COLUMN note TEXT;",
    );
    let (code, json, _) = fx.verify(&db, &[]);
    assert_eq!(code, 1, "{json:#}");
    let found = drift(&json);
    assert_eq!(found.len(), 3, "{found:#?}");
    has(&found, "orders", "note", "no migration adds it", "");
    has(&found, "orders", "", "index `orders_customer_idx`", "migrations/V2__index.sql:1");
    has(&found, "orders", "customer_id", "is NOT NULL in the migrations", "migrations/V1__orders.sql:1");
    let (code, out) = human(&db);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("error[schema-drift]: column `orders.note` (TEXT) is in the live database, but no migration adds it (added by hand?)\n  = help: "),
        "{out}"
    );
    assert!(out.contains("is not in the live database\n  --> migrations/V2__index.sql:1\n"), "{out}");
    assert!(out.contains(": 3 drift errors, 0 drift warnings; 0 of 1 sites do not work on it"), "{out}");

    // A file that is not there is an error, and is not created.
    let missing = fx.path().join("missing.db");
    let out = Command::new(env!("CARGO_BIN_EXE_cargo-migsafe"))
        .args(["migsafe", "verify", "--database-url", &format!("sqlite:{}", missing.display())])
        .current_dir(fx.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains(&format!("SQLite database {} does not exist", missing.display())), "{err}");
    assert!(!missing.exists());
}

#[test]
fn help_says_what_verify_reads_and_its_exit_statuses() {
    let out = Command::new(env!("CARGO_BIN_EXE_cargo-migsafe")).args(["migsafe", "verify", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0));
    for text in ["--database-url <URL>", "postgres://", "mariadb://", "sqlite:PATH", "--rev <REV>", "--format <FORMAT>", "writes nothing", "Exit"] {
        assert!(help.contains(text), "{text:?} not in\n{help}");
    }
}

#[test]
fn bad_urls_and_unreachable_servers_are_errors_naming_the_url_without_its_password() {
    let fx = Fixture::new("postgres", "migsafe-runtime = \"0.1\"\n", &[("V1__orders.sql", PG_V1)], PG_LIB);
    let run = |url: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_cargo-migsafe")).args(["migsafe", "verify", "--database-url", url]).current_dir(fx.path()).output().unwrap();
        (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    let (code, err) = run("postgres://app:hunter2@127.0.0.1:1/shop");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("cannot connect to postgres://app:***@127.0.0.1:1/shop") && !err.contains("hunter2"), "{err}");
    let (code, err) = run("oracle://app:hunter2@db/x");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("unsupported database URL `oracle://app:***@db/x`") && !err.contains("hunter2"), "{err}");
    // The engine must be the migrations' own.
    let (code, err) = run("mysql://root@127.0.0.1/test");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("are postgres") && err.contains("is a mysql database"), "{err}");
}
