//! Git objects read in-process with `gix`: what a revision name resolves to,
//! merge-bases, shallowness, branch names, a commit's tree and its blobs. No
//! `git` process is spawned for them (the working tree's file list and its
//! status still come from `git`, which knows the index and every ignore rule).
//!
//! One repository handle per root per process, shared by the threads that
//! read databases in parallel (`par`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

/// Why the repository or one of its objects could not be read.
#[derive(Debug, thiserror::Error)]
#[error("{what}: {message}")]
pub struct RepoError {
    pub what: String,
    pub message: String,
}

fn err(what: impl Into<String>, e: impl std::fmt::Display) -> RepoError {
    RepoError { what: what.into(), message: e.to_string() }
}

/// The repository at `root` (its working-tree root), opened once per process.
pub fn open(root: &Path) -> Result<gix::Repository, RepoError> {
    static OPEN: OnceLock<Mutex<HashMap<PathBuf, gix::ThreadSafeRepository>>> = OnceLock::new();
    let mut map = OPEN.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
    if let Some(r) = map.get(root) {
        return Ok(r.to_thread_local());
    }
    let r = gix::ThreadSafeRepository::discover_with_environment_overrides(root).map_err(|e| err(format!("open the repository at {}", root.display()), e))?;
    map.insert(root.to_path_buf(), r.clone());
    Ok(r.to_thread_local())
}

/// The commit `rev` names (`rev^{commit}`), as a full sha, if this clone has it.
/// `None` both when the name is unknown and when it names something gix
/// cannot read (the caller then says the revision is unknown).
pub fn commit_of(repo: &gix::Repository, rev: &str) -> Option<String> {
    let id = repo.rev_parse_single(format!("{rev}^{{commit}}").as_str()).ok()?;
    Some(id.detach().to_string())
}

/// Whether `rev` names any object (no peeling).
pub fn names_object(repo: &gix::Repository, rev: &str) -> bool {
    repo.rev_parse_single(rev).is_ok()
}

/// The short name a symbolic reference points to (`refs/remotes/origin/HEAD` → `origin/main`).
pub fn symbolic_target(repo: &gix::Repository, name: &str) -> Option<String> {
    let r = repo.try_find_reference(name).ok()??;
    let target = r.target().try_name()?.to_owned();
    Some(target.shorten().to_string())
}

/// The branch HEAD is on (`main`), `None` when detached or unborn without a name.
pub fn current_branch(repo: &gix::Repository) -> Option<String> {
    let name = repo.head_name().ok()??;
    name.as_bstr().strip_prefix(b"refs/heads/").map(|b| String::from_utf8_lossy(b).into_owned())
}

/// The best common ancestor of two commits (full shas), if they have one this clone holds.
pub fn merge_base(repo: &gix::Repository, a: &str, b: &str) -> Option<String> {
    let a = gix::ObjectId::from_hex(a.as_bytes()).ok()?;
    let b = gix::ObjectId::from_hex(b.as_bytes()).ok()?;
    repo.merge_base(a, b).ok().map(|id| id.detach().to_string())
}

/// One entry of a commit's tree.
pub enum Entry {
    /// A regular or executable file: its path and blob id.
    File(String, gix::ObjectId),
    /// A symbolic link: its path and the blob holding its target.
    Link(String, gix::ObjectId),
}

/// Every file and link of commit `sha`'s tree, recursively (submodules have no content here).
pub fn tree_entries(repo: &gix::Repository, sha: &str) -> Result<Vec<Entry>, RepoError> {
    let what = || format!("read the tree of {sha}");
    let id = gix::ObjectId::from_hex(sha.as_bytes()).map_err(|e| err(what(), e))?;
    let tree = repo.find_object(id).map_err(|e| err(what(), e))?.peel_to_tree().map_err(|e| err(what(), e))?;
    let mut rec = gix::traverse::tree::Recorder::default();
    tree.traverse().breadthfirst(&mut rec).map_err(|e| err(what(), e))?;
    let mut out = Vec::with_capacity(rec.records.len());
    for e in rec.records {
        let path = String::from_utf8_lossy(&e.filepath).into_owned();
        if e.mode.is_link() {
            out.push(Entry::Link(path, e.oid));
        } else if e.mode.is_blob() {
            out.push(Entry::File(path, e.oid));
        }
    }
    Ok(out)
}

/// The bytes of each blob, in order.
pub fn blobs(repo: &gix::Repository, ids: &[gix::ObjectId]) -> Result<Vec<Vec<u8>>, RepoError> {
    ids.iter().map(|id| repo.find_object(*id).map(|o| o.detach().data).map_err(|e| err(format!("read object {id}"), e))).collect()
}
