//! Helpers the binary's test files share (each `tests/*.rs` is its own crate
//! and includes this with `mod common;`).

use std::path::Path;
use std::process::{Command, Output};

/// Run git in `dir` with a fixed identity; a failure fails the test with git's message.
pub fn git(dir: &Path, args: &[&str]) -> Output {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.invalid")
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out
}
