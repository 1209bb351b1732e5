//! The service's start-up guard against a real PostgreSQL (127.0.0.1:5432,
//! user postgres, or `CHECKOUT_TEST_PG` as a libpq key-value admin
//! connection string): the binary starts on a scratch database migrated by
//! `migrations/`, and refuses to start, naming `payments.payment_ref` and
//! the site that writes it, once the column was renamed by hand.
use std::path::Path;
use std::process::{Command, Output};

fn admin_conninfo() -> String {
    std::env::var("CHECKOUT_TEST_PG").unwrap_or_else(|_| "host=127.0.0.1 port=5432 user=postgres dbname=test".into())
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(f)
}

async fn execute(conninfo: &str, sql: &str) -> Result<(), tokio_postgres::Error> {
    let (client, connection) = tokio_postgres::connect(conninfo, tokio_postgres::NoTls).await?;
    let connection = tokio::spawn(connection);
    let r = client.batch_execute(sql).await;
    drop(client);
    let _ = connection.await;
    r
}

/// A scratch database, dropped when this goes out of scope (also on a panic).
struct Scratch {
    name: String,
}

impl Scratch {
    fn new() -> Scratch {
        let name = format!("checkout_live_{}", std::process::id());
        let _ = block_on(execute(&admin_conninfo(), &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")));
        block_on(execute(&admin_conninfo(), &format!("CREATE DATABASE {name}"))).expect("create the scratch database");
        Scratch { name }
    }

    fn conninfo(&self) -> String {
        format!("{} dbname={}", admin_conninfo().split_whitespace().filter(|kv| !kv.starts_with("dbname=")).collect::<Vec<_>>().join(" "), self.name)
    }

    fn execute(&self, sql: &str) {
        block_on(execute(&self.conninfo(), sql)).unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = block_on(execute(&admin_conninfo(), &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name)));
    }
}

/// The service, started on `db`.
fn start(db: &Scratch) -> Output {
    Command::new(env!("CARGO_BIN_EXE_checkout")).env("DATABASE_URL", db.conninfo()).output().expect("run the checkout binary")
}

/// The line of `src/lib.rs` that declares `RECORD_PAYMENT`.
fn record_payment_line() -> usize {
    let source = include_str!("../src/lib.rs");
    source.lines().position(|l| l.starts_with("pub const RECORD_PAYMENT")).unwrap() + 1
}

#[test]
fn starts_on_the_migrated_database_and_refuses_a_renamed_payment_ref() {
    let db = Scratch::new();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|x| x == "sql")).collect();
    files.sort();
    assert!(files.len() >= 3, "{files:?}");
    for f in &files {
        db.execute(&std::fs::read_to_string(f).unwrap());
    }

    let out = start(&db);
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "the service refused a compatible database:\n{stdout}\n{stderr}");
    assert!(stdout.contains("checkout: started") && stdout.contains("sites of this binary work on the live database"), "{stdout}");

    db.execute("ALTER TABLE payments RENAME COLUMN payment_ref TO provider_ref");
    let out = start(&db);
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "the service started on a renamed payment_ref:\n{stdout}\n{stderr}");
    assert!(!stdout.contains("checkout: started"), "{stdout}");
    assert!(stderr.contains("error[head-schema-mismatch]"), "{stderr}");
    assert!(stderr.contains("no column `payment_ref` in table `payments`"), "{stderr}");
    assert!(stderr.contains(&format!("--> src/lib.rs:{}", record_payment_line())), "{stderr}");
    assert!(stderr.contains("checkout: refusing to start"), "{stderr}");
}
