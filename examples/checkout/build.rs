// Re-run the migsafe checks when a migration is added (edits are tracked by the macros).
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
