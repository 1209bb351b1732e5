//! Which revisions to compare: `--base`, else the merge-base with the
//! upstream branch, else `HEAD~1`; and the errors that say how to fix a
//! clone that lacks them.

use crate::tree::git;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum RevError {
    #[error("not inside a git repository ({0}): `cargo migsafe check` compares the working tree with a git revision")]
    NotARepo(String),
    #[error("unknown revision `{rev}`{hint}")]
    Unknown { rev: String, hint: String },
    #[error("no base revision: {0}")]
    NoBase(String),
}

const SHALLOW_FIX: &str = "this is a shallow clone without the base revision's history: fetch it (`git fetch --unshallow`, or in GitHub Actions `actions/checkout` with `fetch-depth: 0`) or pass an available revision with --base";

/// The repository root containing `dir`, if any.
pub fn toplevel(dir: &Path) -> Option<PathBuf> {
    git(dir, &["rev-parse", "--show-toplevel"]).ok().map(|s| PathBuf::from(s.trim()))
}

fn is_shallow(root: &Path) -> bool {
    git(root, &["rev-parse", "--is-shallow-repository"]).map(|s| s.trim() == "true").unwrap_or(false)
}

/// Resolve `rev` to a full commit sha.
pub fn resolve(root: &Path, rev: &str) -> Result<String, RevError> {
    match git(root, &["rev-parse", "--verify", "--quiet", &format!("{rev}^{{commit}}")]) {
        Ok(s) if !s.trim().is_empty() => Ok(s.trim().to_string()),
        _ => {
            let hint = if is_shallow(root) { format!(": {SHALLOW_FIX}") } else { ": no such commit, branch or tag in this repository".to_string() };
            Err(RevError::Unknown { rev: rev.to_string(), hint })
        }
    }
}

/// `--base` if given; else the merge-base of HEAD with its upstream; else `HEAD~1`.
pub fn default_base(root: &Path, given: Option<&str>) -> Result<(String, String), RevError> {
    if let Some(r) = given {
        return Ok((r.to_string(), resolve(root, r)?));
    }
    if let Ok(up) = git(root, &["rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{upstream}"]) {
        let up = up.trim().to_string();
        if let Ok(mb) = git(root, &["merge-base", "HEAD", &up]) {
            return Ok((format!("merge-base with {up}"), mb.trim().to_string()));
        }
    }
    match resolve(root, "HEAD~1") {
        Ok(sha) => Ok(("HEAD~1".to_string(), sha)),
        Err(_) if is_shallow(root) => Err(RevError::NoBase(SHALLOW_FIX.to_string())),
        Err(_) => Err(RevError::NoBase("HEAD has no parent and no upstream branch is set: pass the revision to compare with, e.g. --base main".to_string())),
    }
}
