//! Prints everything this binary touches in the database.
fn main() {
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
