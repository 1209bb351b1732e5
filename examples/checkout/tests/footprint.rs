//! The binary's footprint lists every annotation of the service.
use migsafe_runtime::Decl;

#[test]
fn footprint_lists_every_site() {
    // Reference the library so the linker keeps its sites.
    assert_eq!(checkout::parse_status("shipped"), checkout::OrderStatus::Shipped);
    let sites: Vec<_> = migsafe_runtime::footprint().collect();
    assert_eq!(sites.len(), 7, "{sites:#?}");
    assert!(sites.iter().any(|s| matches!(s.decl, Decl::Query { sql } if sql == checkout::CONFIRM)));
    assert!(sites.iter().any(|s| s.item == "capture_pending"));
    assert!(sites.iter().any(|s| s.item == "Order" && matches!(s.decl, Decl::Table { table: "orders", .. })));
}
