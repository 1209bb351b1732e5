//! The `cargo-migsafe` binary: everything lives in the library.

fn main() -> std::process::ExitCode {
    cargo_migsafe::main_with_args(std::env::args_os().collect())
}
