//! The `cargo-migsafe` binary: everything lives in the library.

/// The allocator: see the `mimalloc` entry in Cargo.toml.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cargo_migsafe::main_with_args(std::env::args_os().collect())
}
