//! The checkout service's start-up. With `DATABASE_URL` set it connects to
//! that PostgreSQL database and runs migsafe's start-up guard before it
//! would serve: on a database where a column its code touches is missing
//! (renamed, dropped) it refuses to start, naming the column and the site,
//! and exits with status 1. Without `DATABASE_URL` it prints everything
//! this binary touches in the database.
use migsafe_runtime::guard::{self, Policy};
use std::process::ExitCode;
use std::time::Instant;

fn print_footprint() {
    println!("checkout: {} columns of orders: {}", <checkout::Order as migsafe_runtime::Table>::COLUMNS.len(), checkout::order_columns());
    println!("parsed status: {:?}", checkout::parse_status("confirmed"));
    let _ = checkout::capture_pending("stripe");
    let _ = (checkout::PLACE_ORDER, checkout::CONFIRM, checkout::LIST_FOR_CUSTOMER, checkout::RECORD_PAYMENT);
    let mut sites: Vec<_> = migsafe_runtime::footprint().collect();
    sites.sort_by_key(|s| (s.file, s.line));
    println!("footprint ({} sites):", sites.len());
    for site in sites {
        println!("  {site}");
    }
}

/// Connect, run the guard, and (in a real service) serve. The example stops
/// after start-up: what it shows is whether it would start.
async fn start(url: &str) -> Result<(), String> {
    let (client, connection) =
        tokio_postgres::connect(url, tokio_postgres::NoTls).await.map_err(|e| format!("checkout: cannot connect to DATABASE_URL: {e}"))?;
    let connection = tokio::spawn(connection);
    let t = Instant::now();
    let outcome = guard::tokio_postgres::guard(&client, Policy::Fail).await;
    let elapsed = t.elapsed();
    let report = outcome.map_err(|e| format!("{e}\ncheckout: refusing to start"))?;
    println!("{report}");
    eprintln!("checkout: start-up guard took {:.1} ms", elapsed.as_secs_f64() * 1e3);
    println!("checkout: started");
    drop(client);
    let _ = connection.await;
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let Ok(url) = std::env::var("DATABASE_URL") else {
        print_footprint();
        return ExitCode::SUCCESS;
    };
    match start(&url).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}
