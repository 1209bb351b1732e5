//! A revision's files: the working tree, or a commit read straight from the
//! repository's objects (in-process, [`crate::repo`]), never checked out,
//! nothing of it built or run.
//!
//! Symbolic links are followed the same way in both: a link to a file or a
//! folder inside the repository reads as what it points to (git stores the
//! link's text as its blob: it is resolved against the commit's tree, not
//! read as content); a link that leaves the repository, dangles or loops is
//! listed, and reading it is an error naming it.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

#[derive(Debug, thiserror::Error)]
pub enum TreeError {
    #[error("cannot read {path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("{path}: not UTF-8 text (a binary file?)")]
    NotText { path: String },
    #[error("git {args}: {message}")]
    Git { args: String, message: String },
    #[error("cannot run git ({0}): migsafe reads revisions with git; install it or put it on PATH")]
    NoGit(std::io::Error),
    #[error("{path}{rev}: {message}")]
    Link { path: String, rev: String, message: String },
    #[error("git: {0}")]
    Repo(#[from] crate::repo::RepoError),
}

#[derive(Debug, Clone)]
enum Kind {
    Work,
    Git { rev: String },
}

/// The files of one revision, by path relative to the repository root.
#[derive(Debug, Clone)]
pub struct Tree {
    /// The repository (or project) root on disk.
    pub root: PathBuf,
    kind: Kind,
    files: BTreeSet<String>,
    /// Files reached through a symbolic link: the file it resolves to, or why it cannot be followed.
    links: HashMap<String, Result<String, String>>,
    /// In a commit: each regular file's blob id.
    blobs: HashMap<String, gix::ObjectId>,
}

pub fn git(root: &Path, args: &[&str]) -> Result<String, TreeError> {
    let out = Command::new("git").args(args).current_dir(root).stdin(Stdio::null()).output().map_err(TreeError::NoGit)?;
    if !out.status.success() {
        return Err(TreeError::Git { args: args.join(" "), message: String::from_utf8_lossy(&out.stderr).trim().to_string() });
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

impl Tree {
    /// The working tree. Inside a git repository: tracked and untracked,
    /// not-ignored files (what `git ls-files -co --exclude-standard` lists);
    /// elsewhere every file below `root` but `target/` and dot-folders.
    pub fn work(root: &Path, in_git: bool) -> Result<Tree, TreeError> {
        let mut plain = BTreeSet::new();
        let mut raw_links = BTreeMap::new();
        if in_git {
            let out = git(root, &["ls-files", "-z", "-co", "--exclude-standard", "--full-name"])?;
            for p in out.split('\0').filter(|p| !p.is_empty()) {
                // A tracked file deleted from the working tree is not there.
                let Ok(meta) = std::fs::symlink_metadata(root.join(p)) else { continue };
                if meta.file_type().is_symlink() {
                    let target = std::fs::read_link(root.join(p)).map_err(|e| TreeError::Io { path: p.to_string(), source: e })?;
                    raw_links.insert(p.to_string(), target.to_string_lossy().replace('\\', "/"));
                } else if meta.is_file() {
                    plain.insert(p.to_string());
                }
            }
        } else {
            walk(root, root, &mut plain, &mut raw_links).map_err(|e| TreeError::Io { path: root.display().to_string(), source: e })?;
        }
        let (files, links) = follow(plain, &raw_links);
        Ok(Tree { root: root.to_path_buf(), kind: Kind::Work, files, links, blobs: HashMap::new() })
    }

    /// The tree of commit `rev` (a full sha), read in-process: paths are
    /// tree entries and contents are asked for by blob id, so no file name (a
    /// newline in it included) can be mistaken for another.
    pub fn git(root: &Path, rev: &str) -> Result<Tree, TreeError> {
        let repo = crate::repo::open(root)?;
        let mut plain = BTreeSet::new();
        let mut blobs = HashMap::new();
        let mut link_blobs: Vec<(String, gix::ObjectId)> = Vec::new();
        for entry in crate::repo::tree_entries(&repo, rev)? {
            match entry {
                crate::repo::Entry::Link(path, oid) => link_blobs.push((path, oid)),
                crate::repo::Entry::File(path, oid) => {
                    plain.insert(path.clone());
                    blobs.insert(path, oid);
                }
            }
        }
        let oids: Vec<gix::ObjectId> = link_blobs.iter().map(|(_, o)| *o).collect();
        let texts = crate::repo::blobs(&repo, &oids)?;
        let raw_links: BTreeMap<String, String> =
            link_blobs.iter().zip(texts).map(|((path, _), bytes)| (path.clone(), String::from_utf8_lossy(&bytes).into_owned())).collect();
        let (files, links) = follow(plain, &raw_links);
        Ok(Tree { root: root.to_path_buf(), kind: Kind::Git { rev: rev.to_string() }, files, links, blobs })
    }

    pub fn exists(&self, path: &str) -> bool {
        self.files.contains(path)
    }

    pub fn is_dir(&self, dir: &str) -> bool {
        let prefix = dir_prefix(dir);
        self.files.range(prefix.clone()..).next().is_some_and(|f| f.starts_with(&prefix))
    }

    /// Files below `dir` (all of them for `""`).
    pub fn files_under(&self, dir: &str) -> Vec<&str> {
        let prefix = dir_prefix(dir);
        self.files.range(prefix.clone()..).take_while(|f| f.starts_with(&prefix)).map(|s| s.as_str()).collect()
    }

    /// Where `path`'s content is: itself, or the file its links resolve to;
    /// an error naming a link that cannot be followed.
    fn real<'a>(&'a self, path: &'a str) -> Result<&'a str, TreeError> {
        match self.links.get(path) {
            None => Ok(path),
            Some(Ok(real)) => Ok(real),
            Some(Err(message)) => {
                let rev = match &self.kind {
                    Kind::Work => String::new(),
                    Kind::Git { rev } => format!(" (in {})", migsafe_core::short_sha(rev, 12)),
                };
                Err(TreeError::Link { path: path.to_string(), rev, message: message.clone() })
            }
        }
    }

    /// Read many files in one go; each is
    /// text, or `None` when it is not UTF-8.
    pub fn read_lossy(&self, paths: &[&str]) -> Result<Vec<(String, Option<String>)>, TreeError> {
        let raw: Vec<(String, Vec<u8>)> = match &self.kind {
            Kind::Work => paths
                .iter()
                .map(|p| {
                    let real = self.real(p)?;
                    std::fs::read(self.root.join(real)).map(|b| (p.to_string(), b)).map_err(|e| TreeError::Io { path: p.to_string(), source: e })
                })
                .collect::<Result<_, _>>()?,
            Kind::Git { rev } => {
                let mut oids = Vec::with_capacity(paths.len());
                for p in paths {
                    let real = self.real(p)?;
                    let oid = self
                        .blobs
                        .get(real)
                        .ok_or_else(|| TreeError::Repo(crate::repo::RepoError { what: format!("read {p}"), message: format!("not in {rev}") }))?;
                    oids.push(*oid);
                }
                let repo = crate::repo::open(&self.root)?;
                paths.iter().map(|p| p.to_string()).zip(crate::repo::blobs(&repo, &oids)?).collect()
            }
        };
        Ok(raw.into_iter().map(|(p, b)| (p, String::from_utf8(b).ok())).collect())
    }

    /// Read many files as text; a file
    /// that is not UTF-8 is an error naming it.
    pub fn read_texts(&self, paths: &[&str]) -> Result<Vec<(String, String)>, TreeError> {
        self.read_lossy(paths)?.into_iter().map(|(path, text)| text.map(|t| (path.clone(), t)).ok_or(TreeError::NotText { path })).collect()
    }

    pub fn read_text(&self, path: &str) -> Result<String, TreeError> {
        self.read_texts(&[path])?
            .into_iter()
            .next()
            .map(|(_, t)| t)
            .ok_or_else(|| TreeError::Repo(crate::repo::RepoError { what: format!("read {path}"), message: "no content".into() }))
    }
}

/// What a symbolic link leads to.
enum Target {
    File(String),
    Dir(String),
}

/// Links followed in a row before a chain counts as a loop (Linux's limit).
const MAX_LINK_HOPS: usize = 40;

/// Follow the link at `link` (its text `target`) through `links`, within the
/// repository whose files are `plain`, as the operating system would.
fn resolve(link: &str, target: &str, plain: &BTreeSet<String>, links: &BTreeMap<String, String>) -> Result<Target, String> {
    let absolute = |t: &str| t.starts_with('/') || (t.len() >= 2 && t.as_bytes()[1] == b':');
    let outside = format!("a symbolic link to `{target}`, which leaves the repository: migsafe follows links within it only");
    if absolute(target) {
        return Err(outside);
    }
    let mut done: Vec<String> = parent(link).split('/').filter(|c| !c.is_empty()).map(String::from).collect();
    let mut todo: VecDeque<String> = target.split('/').map(String::from).collect();
    let mut hops = 0;
    while let Some(c) = todo.pop_front() {
        match c.as_str() {
            "" | "." => {}
            ".." => {
                done.pop().ok_or_else(|| outside.clone())?;
            }
            _ => {
                done.push(c);
                let here = done.join("/");
                if let Some(next) = links.get(&here) {
                    hops += 1;
                    if hops > MAX_LINK_HOPS {
                        return Err(format!("a symbolic link to `{target}`, which loops (more than {MAX_LINK_HOPS} links in a row)"));
                    }
                    if absolute(next) {
                        return Err(outside);
                    }
                    done.pop();
                    for part in next.split('/').rev() {
                        todo.push_front(part.to_string());
                    }
                }
            }
        }
    }
    let path = done.join("/");
    if path.is_empty() {
        return Err(format!("a symbolic link to `{target}`, the repository's root: migsafe does not read the repository inside itself"));
    }
    if plain.contains(&path) {
        return Ok(Target::File(path));
    }
    let prefix = format!("{path}/");
    let below = plain.range(prefix.clone()..).next().is_some_and(|f| f.starts_with(&prefix))
        || links.range(prefix.clone()..).next().is_some_and(|(f, _)| f.starts_with(&prefix));
    if below {
        if link.starts_with(&prefix) || prefix.starts_with(&format!("{link}/")) {
            return Err(format!("a symbolic link to `{target}`, a folder that contains it: a loop"));
        }
        return Ok(Target::Dir(path));
    }
    Err(format!("a symbolic link to `{target}`, which does not exist (a dangling link)"))
}

/// Every file of the revision (links included, and the files below a link to
/// a folder under the link's path) and, for those reached through a link,
/// where their content is or why it cannot be read.
fn follow(plain: BTreeSet<String>, raw: &BTreeMap<String, String>) -> (BTreeSet<String>, HashMap<String, Result<String, String>>) {
    let mut links: HashMap<String, Result<String, String>> = HashMap::new();
    let mut dirs: Vec<(String, String)> = Vec::new();
    for (link, target) in raw {
        match resolve(link, target, &plain, raw) {
            Ok(Target::File(real)) => {
                links.insert(link.clone(), Ok(real));
            }
            Ok(Target::Dir(real)) => dirs.push((link.clone(), real)),
            Err(why) => {
                links.insert(link.clone(), Err(why));
            }
        }
    }
    let mut files = plain;
    files.extend(links.keys().cloned());
    // A folder reached through a link: its files (and links to files), once, under the link's name.
    for (link, real) in dirs {
        let prefix = format!("{real}/");
        let below: Vec<(String, Result<String, String>)> = files
            .range(prefix.clone()..)
            .take_while(|f| f.starts_with(&prefix))
            .map(|f| (format!("{link}/{}", &f[prefix.len()..]), links.get(f).cloned().unwrap_or_else(|| Ok(f.clone()))))
            .collect();
        for (path, content) in below {
            files.insert(path.clone());
            links.insert(path, content);
        }
    }
    (files, links)
}

fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

fn dir_prefix(dir: &str) -> String {
    let d = dir.trim_matches('/');
    if d.is_empty() || d == "." {
        String::new()
    } else {
        format!("{d}/")
    }
}

fn walk(root: &Path, dir: &Path, out: &mut BTreeSet<String>, links: &mut BTreeMap<String, String>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let path = entry.path();
        let ft = entry.file_type()?;
        let Ok(rel) = path.strip_prefix(root).map(|r| r.to_string_lossy().replace('\\', "/")) else { continue };
        if ft.is_dir() {
            if name.starts_with('.') || name == "target" {
                continue;
            }
            walk(root, &path, out, links)?;
        } else if ft.is_file() {
            out.insert(rel);
        } else if ft.is_symlink() {
            links.insert(rel, std::fs::read_link(&path)?.to_string_lossy().replace('\\', "/"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        run(dir.path(), &["init", "-q", "-b", "main"]);
        dir
    }

    fn run(dir: &Path, args: &[&str]) {
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
    }

    fn write(dir: &Path, rel: &str, text: &str) {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    fn link(dir: &Path, rel: &str, target: &str) {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(target, p).unwrap();
    }

    fn head(dir: &Path) -> String {
        git(dir, &["rev-parse", "HEAD"]).unwrap().trim().to_string()
    }

    /// Issue 11: paths were sent to `git cat-file --batch` one a line, so a
    /// newline in a name split the request, and a file could be handed
    /// another file's content (`a\nb.sql` read as `a`).
    #[test]
    fn a_newline_in_a_file_name_reads_that_file() {
        let d = repo();
        write(d.path(), "migrations/a\nb.sql", "one");
        write(d.path(), "migrations/a", "two");
        write(d.path(), "migrations/b.sql", "three");
        run(d.path(), &["add", "-A"]);
        run(d.path(), &["commit", "-q", "-m", "x"]);
        for t in [Tree::git(d.path(), &head(d.path())).unwrap(), Tree::work(d.path(), true).unwrap()] {
            assert_eq!(t.files_under("migrations"), ["migrations/a", "migrations/a\nb.sql", "migrations/b.sql"]);
            let texts = t.read_texts(&["migrations/a\nb.sql", "migrations/b.sql", "migrations/a"]).unwrap();
            let texts: Vec<&str> = texts.iter().map(|(_, t)| t.as_str()).collect();
            assert_eq!(texts, ["one", "three", "two"]);
        }
    }

    /// Issue 11: links are followed the same way in the working tree and in
    /// a commit (where git stores the link's text as its blob).
    #[test]
    fn symbolic_links_read_the_same_from_the_working_tree_and_from_git() {
        let d = repo();
        let p = d.path();
        write(p, "db/V1__a.sql", "CREATE TABLE a (id int);\n");
        write(p, "shared/V2__b.sql", "CREATE TABLE b (id int);\n");
        link(p, "migrations/V1__a.sql", "../db/V1__a.sql");
        link(p, "migrations/V3__chain.sql", "V1__a.sql");
        link(p, "more", "shared");
        link(p, "bad/out.sql", "../../outside.sql");
        link(p, "bad/abs.sql", "/etc/hostname");
        link(p, "bad/dangling.sql", "nowhere.sql");
        link(p, "bad/loop1.sql", "loop2.sql");
        link(p, "bad/loop2.sql", "loop1.sql");
        link(p, "bad/up", "..");
        link(p, "bad/again", "../bad");
        run(p, &["add", "-A"]);
        run(p, &["commit", "-q", "-m", "x"]);
        let rev = head(p);
        for t in [Tree::git(p, &rev).unwrap(), Tree::work(p, true).unwrap(), Tree::work(p, false).unwrap()] {
            assert_eq!(t.files_under("migrations"), ["migrations/V1__a.sql", "migrations/V3__chain.sql"], "{:?}", t.kind);
            assert_eq!(t.files_under("more"), ["more/V2__b.sql"], "{:?}", t.kind);
            let texts = t.read_texts(&["migrations/V1__a.sql", "migrations/V3__chain.sql", "more/V2__b.sql"]).unwrap();
            assert_eq!(texts[0].1, "CREATE TABLE a (id int);\n");
            assert_eq!(texts[1].1, "CREATE TABLE a (id int);\n");
            assert_eq!(texts[2].1, "CREATE TABLE b (id int);\n");
            for (file, why) in [
                ("bad/out.sql", "which leaves the repository"),
                ("bad/abs.sql", "which leaves the repository"),
                ("bad/dangling.sql", "which does not exist"),
                ("bad/loop1.sql", "loops"),
                ("bad/up", "the repository's root"),
                ("bad/again", "a folder that contains it"),
            ] {
                assert!(t.exists(file), "{file} vanished ({:?})", t.kind);
                let e = t.read_text(file).unwrap_err().to_string();
                assert!(e.starts_with(file) && e.contains(why), "{file}: {e}");
            }
        }
        let e = Tree::git(p, &rev).unwrap().read_text("bad/dangling.sql").unwrap_err().to_string();
        assert_eq!(
            e,
            format!("bad/dangling.sql (in {}): a symbolic link to `nowhere.sql`, which does not exist (a dangling link)", migsafe_core::short_sha(&rev, 12))
        );
    }
}
