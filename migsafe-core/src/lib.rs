//! migsafe's analysis core.
//!
//! Everything here is pure: callers hand in text (migration files, Rust
//! sources) with the paths to show, and get back values plus diagnostics.
//! The CLI and the proc macros do the IO.
//!
//! The pipeline:
//! - [`migrations`] discovers and orders migration files, pairs up/down scripts;
//! - [`sql`] splits a script into statements with their locations;
//! - [`schema`] applies statements to a [`schema::Schema`] and records every
//!   [`schema::Event`] with its provenance;
//! - [`annotations`] parses `sql!`, `#[derive(Table)]`, `#[derive(SqlEnum)]`
//!   and `#[touches]` (shared by the macros and the CLI);
//! - [`footprint`] resolves those declarations against a schema into the
//!   (table, column, access) triples they touch;
//!   and says whether each declaration works on that schema;
//! - [`rules`] / [`check`] compare two revisions and the pending migrations,
//!   under the user's [`policy`] (allowed rules, `--deny`), and return the
//!   verdict and the rollback plan.

pub mod annotations;
pub mod check;
pub mod config;
pub mod contract;
pub mod deps;
pub mod diag;
pub mod dialect;
pub mod folder;
pub mod footprint;
pub mod ident;
pub mod live;
pub mod migrations;
pub mod policy;
pub mod rules;
pub mod schema;
pub mod sources;
pub mod sql;
pub mod suggest;

pub use diag::{Diagnostic, Location, Severity};
pub use dialect::Dialect;

/// The first `len` characters of a commit sha, for display: all of it when
/// it is shorter (a short `--rev`, a test's fake sha), and never a panic on
/// text that is not a plain hex sha.
pub fn short_sha(sha: &str, len: usize) -> &str {
    sha.get(..len).unwrap_or(sha)
}

#[cfg(test)]
mod tests {
    use super::short_sha;

    #[test]
    fn short_sha_takes_a_prefix_or_all_of_a_short_input() {
        assert_eq!(short_sha("0123456789abcdef", 7), "0123456");
        assert_eq!(short_sha("0123456789abcdef", 12), "0123456789ab");
        assert_eq!(short_sha("abc", 7), "abc");
        assert_eq!(short_sha("", 7), "");
        // Byte 7 falls inside `é`: slicing `[..len().min(7)]` panicked here.
        assert_eq!(short_sha("abcdefé", 7), "abcdefé");
    }

    /// `&sha[..7]`, `&rev[..12]`, `&s[..s.len().min(7)]`: a sha (or a revision
    /// name) cut at a fixed length.
    fn hand_slices_a_sha(line: &str) -> bool {
        let open = concat!("[", "..");
        line.match_indices(open).any(|(at, _)| {
            let before = &line[..at];
            let after = &line[at + open.len()..];
            let named = ["sha", "rev", "s"].iter().any(|n| before.ends_with(n));
            let fixed = after.starts_with(|c: char| c.is_ascii_digit()) || after.split(']').next().is_some_and(|i| i.contains(".len().min("));
            named && fixed
        })
    }

    /// Every shortened sha goes through `short_sha`: no crate slices one
    /// (`&sha[..7]`, `&rev[..rev.len().min(12)]`) by itself.
    #[test]
    fn no_crate_slices_a_sha_by_hand() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut offenders = Vec::new();
        let mut dirs: Vec<std::path::PathBuf> =
            ["migsafe-core/src", "cargo-migsafe/src", "migsafe-macros/src", "migsafe-runtime/src"].iter().map(|d| root.join(d)).collect();
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    for (n, line) in text.lines().enumerate() {
                        if hand_slices_a_sha(line) && !line.trim_start().starts_with("//") {
                            offenders.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                        }
                    }
                }
            }
        }
        assert!(offenders.is_empty(), "shorten a sha with migsafe_core::short_sha:\n{}", offenders.join("\n"));
    }
}
