//! UI tests: every compile error the macros emit, as rustc prints it
//! (`tests/ui/<area>/<mistake>.rs` + `.stderr`), and expansions that build and run
//! (`tests/ui/pass`).
//!
//! The macros find the migrations through `MIGSAFE_MIGRATIONS_DIR`, set here:
//! trybuild's cargo inherits this process's environment. The `config` cases
//! need other folders, so they run as two more (small) batches after the main
//! one, which has already built the dependencies.
//!
//! Regenerate the expected output with `TRYBUILD=overwrite cargo test -p migsafe-macros --test ui`
//! (and read every changed `.stderr`).

use std::path::Path;

#[test]
fn ui() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    std::env::remove_var("MIGSAFE_DIALECT");

    std::env::set_var("MIGSAFE_MIGRATIONS_DIR", fixtures.join("shop"));
    {
        let t = trybuild::TestCases::new();
        t.compile_fail("tests/ui/sql/*.rs");
        t.compile_fail("tests/ui/table/*.rs");
        t.compile_fail("tests/ui/sql_enum/*.rs");
        t.compile_fail("tests/ui/touches/*.rs");
        t.compile_fail("tests/ui/event/*.rs");
        t.pass("tests/ui/pass/*.rs");
    } // runs here

    std::env::set_var("MIGSAFE_MIGRATIONS_DIR", fixtures.join("does-not-exist"));
    trybuild::TestCases::new().compile_fail("tests/ui/config/missing_folder.rs");

    std::env::set_var("MIGSAFE_MIGRATIONS_DIR", fixtures.join("broken"));
    trybuild::TestCases::new().compile_fail("tests/ui/config/bad_migration.rs");
}
