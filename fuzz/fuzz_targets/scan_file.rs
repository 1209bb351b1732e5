//! The Rust source scanner on any text: never a panic, never a stack overflow.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = migsafe_core::sources::scan_file("src/fuzz.rs", text);
});
