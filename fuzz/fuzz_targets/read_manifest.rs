//! The manifest reader on any text: a value or an error, never a panic; an
//! error names the file and a line.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Err(e) = migsafe_core::config::read_manifest("Cargo.toml", text) {
        assert!(e.to_string().starts_with("Cargo.toml:"), "{e}");
    }
});
