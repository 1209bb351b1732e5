//! What the start-up guard costs: `migsafe_runtime::guard::tokio_postgres::verify`
//! (both catalog queries, the schema built from them, every site of this
//! binary resolved) on a scratch PostgreSQL database of 75 tables with 8
//! to 12 columns each and 5 enum types, as a service would call it at
//! start-up on an open connection. Prints the median of
//! `MIGSAFE_BENCH_RUNS` runs (default 21), and of the catalog read alone;
//! then the same on a database built by `examples/checkout/migrations` (the
//! example service's schema: 3 tables, 1 enum type).
//!
//! `cargo bench -p migsafe-fidelity --bench guard`

use migsafe_runtime::guard;
use std::time::{Duration, Instant};

const ADMIN: &str = "host=127.0.0.1 port=5432 user=postgres dbname=test";

// Some sites, so the measurement includes resolving them (checked at compile time against tests/guard-migrations).
pub const LIST_PAID: &str = migsafe_runtime::sql!("SELECT id, payment_ref, status FROM orders WHERE status = 'paid'");
pub const PLACE: &str = migsafe_runtime::sql!("INSERT INTO orders (customer_id, payment_ref) VALUES ($1, $2)");

fn schema() -> String {
    let mut sql = String::from(include_str!("../tests/guard-migrations/V1__orders.sql"));
    for e in 0..5 {
        sql.push_str(&format!("CREATE TYPE kind_{e} AS ENUM ('a', 'b', 'c', 'd');\n"));
    }
    for t in 1..75 {
        sql.push_str(&format!("CREATE TABLE table_{t} (id BIGSERIAL PRIMARY KEY, parent_id BIGINT, name VARCHAR(200) NOT NULL, kind kind_{} NOT NULL, created_at TIMESTAMPTZ NOT NULL DEFAULT now(), amount NUMERIC(12, 2), flags INTEGER NOT NULL DEFAULT 0, note TEXT", t % 5));
        for extra in 0..(t % 5) {
            sql.push_str(&format!(", extra_{extra} TEXT"));
        }
        sql.push_str(");\n");
    }
    sql
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// The median `verify` and catalog read, over `runs`, on the database at `url`; and its tables.
/// (This binary's sites are its own: on another schema they may not pass, and cost the same to resolve.)
fn measure(url: &str, runs: usize, must_pass: bool) -> (Duration, Duration, usize) {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await.unwrap();
        let conn = tokio::spawn(connection);
        let (mut verify, mut read) = (Vec::new(), Vec::new());
        let mut tables = 0;
        for _ in 0..runs {
            let t = Instant::now();
            let report = guard::tokio_postgres::verify(&client).await.unwrap();
            verify.push(t.elapsed());
            assert!(report.is_ok() || !must_pass, "{report}");
            tables = report.relations;
            let t = Instant::now();
            guard::tokio_postgres::read_catalog(&client).await.unwrap();
            read.push(t.elapsed());
        }
        drop(client);
        let _ = conn.await;
        (median(verify), median(read), tables)
    })
}

const CHECKOUT: [&str; 3] = [
    include_str!("../../../examples/checkout/migrations/20240105093000_orders.sql"),
    include_str!("../../../examples/checkout/migrations/20240312141500_payments.sql"),
    include_str!("../../../examples/checkout/migrations/20240402101500_payment_ref.sql"),
];

fn main() {
    let runs: usize = std::env::var("MIGSAFE_BENCH_RUNS").ok().and_then(|s| s.parse().ok()).unwrap_or(21);
    let name = format!("migsafe_guard_bench_{}", std::process::id());
    let mut admin = match postgres::Client::connect(ADMIN, postgres::NoTls) {
        Ok(c) => c,
        Err(e) => {
            println!("skipped: PostgreSQL at 127.0.0.1:5432 unreachable: {e}");
            return;
        }
    };
    admin.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
    let url = format!("host=127.0.0.1 port=5432 user=postgres dbname={name}");
    postgres::Client::connect(&url, postgres::NoTls).unwrap().batch_execute(&schema()).unwrap();

    let (verify, read, tables) = measure(&url, runs, true);
    admin.batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)")).unwrap();
    println!(
        "guard on {tables} tables ({} sites): verify median {verify:?}, of which reading the catalog {read:?} ({runs} runs)",
        migsafe_runtime::footprint().count()
    );

    // The checkout example's database, as its migrations build it.
    let name = format!("migsafe_guard_bench_checkout_{}", std::process::id());
    admin.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
    let url = format!("host=127.0.0.1 port=5432 user=postgres dbname={name}");
    let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    for m in CHECKOUT {
        c.batch_execute(m).unwrap();
    }
    drop(c);
    let (verify, read, tables) = measure(&url, runs, false);
    admin.batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)")).unwrap();
    println!("guard on the checkout example's database ({tables} tables): verify median {verify:?}, of which reading the catalog {read:?} ({runs} runs)");
    assert!(LIST_PAID.len() + PLACE.len() > 0);
}
