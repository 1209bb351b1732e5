//! A site string the runtime cannot read (a binary whose migsafe-macros and
//! migsafe-runtime versions differ) is listed by `footprint_errors`, never
//! silently dropped.

use migsafe_runtime::{footprint, footprint_errors};

// A site as a future (or past) macros release might write it: an unknown tag.
const _: () = {
    migsafe_runtime::__private::site!("0:Z3:xyz\0", "\0tests/undecodable.rs\09");
};

// A readable one (the macros need migrations to check against; this crate has none).
const _: () = {
    migsafe_runtime::__private::site!("0:Q8:SELECT 1\0", "\0tests/undecodable.rs\012");
};

#[test]
fn an_unreadable_site_is_listed_with_where_it_is() {
    let errors = footprint_errors();
    assert_eq!(errors.len(), 1, "{errors:?}");
    let e = &errors[0];
    assert_eq!(e.error.at, 2);
    assert_eq!(
        e.to_string(),
        format!("tests/undecodable.rs:9: a site migsafe-runtime cannot read (expected a declaration tag (Q, T, E, U) at byte 2): {:?}", e.raw)
    );
    // The readable site is still there.
    assert!(footprint().any(|s| s.line == 12 && s.file == "tests/undecodable.rs"), "{:?}", footprint().collect::<Vec<_>>());
}
