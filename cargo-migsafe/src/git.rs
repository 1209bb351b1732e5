//! Which revisions to compare: `--base`, else the merge-base of HEAD with the
//! repository's default branch, else (on the default branch itself) `HEAD`
//! or `HEAD~1`; and the errors that say how to fix a clone that lacks them.
//!
//! Revisions, merge-bases and branch names are read in-process ([`crate::repo`],
//! gix); only the repository's root and the working tree's status ask `git`.

use crate::repo;
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

const SHALLOW_FIX: &str = "this is a shallow clone without the base revision's history: fetch it (`git fetch --unshallow`, or in GitHub Actions `actions/checkout` with `fetch-depth: 0`; or only the base commit: `git fetch --depth=1 origin <base-sha>`) or pass an available revision with --base";

const NOT_FOUND: &str = ": no such commit, branch or tag in this repository";

/// The repository root containing `dir`, if any; an error when git itself cannot be run.
pub fn toplevel(dir: &Path) -> Result<Option<PathBuf>, crate::tree::TreeError> {
    match git(dir, &["rev-parse", "--show-toplevel"]) {
        Ok(s) => Ok(Some(PathBuf::from(s.trim()))),
        Err(e @ crate::tree::TreeError::NoGit(_)) => Err(e),
        Err(_) => Ok(None),
    }
}

fn is_shallow(root: &Path) -> bool {
    repo::open(root).is_ok_and(|r| r.is_shallow())
}

/// Revision syntax that gix may not read as git does (`@{upstream}`, reflog
/// entries, `:/message` searches): only such an expression is asked of `git`
/// when gix finds nothing, so a plain name that is simply missing (the
/// default-branch probe tries four) spawns no process.
fn git_only_syntax(rev: &str) -> bool {
    rev.contains("@{") || rev.contains(":/") || rev.contains("^{/")
}

/// The commit `rev` names, if it names one that this clone has.
fn commit_of(root: &Path, rev: &str) -> Option<String> {
    if let Some(sha) = repo::open(root).ok().and_then(|r| repo::commit_of(&r, rev)) {
        return Some(sha);
    }
    if !git_only_syntax(rev) {
        return None;
    }
    git(root, &["rev-parse", "--verify", "--quiet", &format!("{rev}^{{commit}}")]).ok().map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// The name a revision expression starts from: `origin/main` in
/// `origin/main~2`, `HEAD` in `HEAD^{commit}`, `v1.2` in `v1.2^`.
fn base_name(rev: &str) -> &str {
    let end = rev.find(['~', '^', ':']).unwrap_or(rev.len());
    let name = &rev[..end];
    // `@{upstream}`, `main@{1}`: the part before `@{`.
    match name.find("@{") {
        Some(0) => "HEAD",
        Some(i) => &name[..i],
        None => name,
    }
}

fn looks_like_sha(s: &str) -> bool {
    (4..=40).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Resolve `rev` to a full commit sha.
///
/// In a shallow clone a revision can be missing for two reasons: the name is
/// wrong (a typo: "unknown revision", whatever the clone) or the name is
/// there but the history it reaches into was not fetched (`HEAD~1`, a tag
/// older than the clone's depth): only then is the clone to blame.
pub fn resolve(root: &Path, rev: &str) -> Result<String, RevError> {
    if let Some(sha) = commit_of(root, rev) {
        return Ok(sha);
    }
    let hint = if !is_shallow(root) {
        NOT_FOUND.to_string()
    } else {
        let name = base_name(rev);
        let name_known = !name.is_empty()
            && (repo::open(root).is_ok_and(|r| repo::names_object(&r, name))
                || git(root, &["rev-parse", "--verify", "--quiet", name]).is_ok_and(|s| !s.trim().is_empty()));
        if name_known {
            format!(": {SHALLOW_FIX}")
        } else if looks_like_sha(name) {
            // A commit id this clone lacks: maybe beyond its depth.
            format!("{NOT_FOUND} (this shallow clone may lack it: `git fetch --depth=1 origin {name}` brings just that commit)")
        } else {
            NOT_FOUND.to_string()
        }
    };
    Err(RevError::Unknown { rev: rev.to_string(), hint })
}

/// The repository's default branch as a revision name: what `origin/HEAD`
/// points to, else `origin/main`, `origin/master`, else local `main`, `master`.
pub fn default_branch(root: &Path) -> Option<String> {
    if let Some(s) = repo::open(root).ok().and_then(|r| repo::symbolic_target(&r, "refs/remotes/origin/HEAD")) {
        if commit_of(root, &s).is_some() {
            return Some(s);
        }
    }
    for (full, short) in [
        ("refs/remotes/origin/main", "origin/main"),
        ("refs/remotes/origin/master", "origin/master"),
        ("refs/heads/main", "main"),
        ("refs/heads/master", "master"),
    ] {
        if commit_of(root, full).is_some() {
            return Some(short.to_string());
        }
    }
    None
}

/// Whether the working tree differs from HEAD: tracked changes (staged or
/// not) or untracked files that are not ignored.
pub fn is_dirty(root: &Path) -> bool {
    git(root, &["status", "--porcelain", "--untracked-files=normal"]).is_ok_and(|s| !s.trim().is_empty())
}

/// The branch HEAD is on (`None` when detached).
fn current_branch(root: &Path) -> Option<String> {
    repo::open(root).ok().and_then(|r| repo::current_branch(&r))
}

/// The base revision and why it was chosen: `--base` if given; else the
/// merge-base of HEAD with the default branch; on the default branch itself
/// (or at its tip), `HEAD` when the working tree has changes, else `HEAD~1`.
pub fn default_base(root: &Path, given: Option<&str>) -> Result<(String, String), RevError> {
    if let Some(r) = given {
        return Ok((r.to_string(), resolve(root, r)?));
    }
    let Some(head) = commit_of(root, "HEAD") else {
        return Err(RevError::NoBase("HEAD has no commit yet: commit the release that runs today, then check the change against it".to_string()));
    };
    let default = default_branch(root);
    let on_default = match &default {
        None => None,
        Some(d) => {
            let short = d.strip_prefix("origin/").unwrap_or(d);
            if current_branch(root).as_deref() == Some(short) {
                Some(format!("on {short}"))
            } else if commit_of(root, d).as_deref() == Some(head.as_str()) {
                Some(format!("HEAD is at {d}"))
            } else {
                None
            }
        }
    };
    match (&default, on_default) {
        (Some(d), None) => match commit_of(root, d).and_then(|dsha| repo::open(root).ok().and_then(|r| repo::merge_base(&r, &head, &dsha))) {
            Some(mb) => Ok((format!("merge-base with {d}"), mb)),
            _ if is_shallow(root) => Err(RevError::NoBase(format!("cannot compute the merge-base of HEAD with {d}: {SHALLOW_FIX}"))),
            _ => Err(RevError::NoBase(format!("HEAD and {d} share no history: pass the revision to compare with, e.g. --base <REV>"))),
        },
        (_, where_) => {
            let where_ = where_.unwrap_or_else(|| "no default branch found (origin/HEAD, origin/main, origin/master, main, master)".to_string());
            if is_dirty(root) {
                let why = if where_.starts_with("no default") { format!(" ({where_})") } else { String::new() };
                return Ok((format!("HEAD: the working tree has uncommitted changes{why}"), head));
            }
            let clean =
                if where_.starts_with("no default") { format!("{where_}; the working tree is clean") } else { format!("{where_} with a clean working tree") };
            match commit_of(root, "HEAD~1") {
                Some(sha) => Ok((format!("HEAD~1: {clean}"), sha)),
                None if is_shallow(root) => Err(RevError::NoBase(SHALLOW_FIX.to_string())),
                None => Err(RevError::NoBase(format!(
                    "HEAD has no parent ({clean}): there is nothing to compare; pass the revision to compare with, e.g. --base <REV>"
                ))),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_names_of_revision_expressions() {
        assert_eq!(base_name("origin/main~2"), "origin/main");
        assert_eq!(base_name("HEAD^{commit}"), "HEAD");
        assert_eq!(base_name("v1.2^"), "v1.2");
        assert_eq!(base_name("main@{1}"), "main");
        assert_eq!(base_name("@{upstream}"), "HEAD");
        assert_eq!(base_name("mian"), "mian");
        assert!(looks_like_sha("abc1234") && !looks_like_sha("main"));
    }
}
