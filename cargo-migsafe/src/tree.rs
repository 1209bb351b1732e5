//! A revision's files: the working tree, or a commit read straight from git
//! (`git ls-tree` + one `git cat-file --batch`), never checked out, nothing
//! of it built or run.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
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
}

pub fn git(root: &Path, args: &[&str]) -> Result<String, TreeError> {
    let out = Command::new("git")
        .args(args)
        .current_dir(root)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| TreeError::Git { args: args.join(" "), message: format!("cannot run git: {e}") })?;
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
        let mut files = BTreeSet::new();
        if in_git {
            let out = git(root, &["ls-files", "-z", "-co", "--exclude-standard", "--full-name"])?;
            for p in out.split('\0').filter(|p| !p.is_empty()) {
                if root.join(p).is_file() {
                    files.insert(p.to_string());
                }
            }
        } else {
            walk(root, root, &mut files).map_err(|e| TreeError::Io { path: root.display().to_string(), source: e })?;
        }
        Ok(Tree { root: root.to_path_buf(), kind: Kind::Work, files })
    }

    /// The tree of commit `rev` (a full sha).
    pub fn git(root: &Path, rev: &str) -> Result<Tree, TreeError> {
        let out = git(root, &["ls-tree", "-r", "-z", "--full-tree", "--name-only", rev])?;
        let files = out.split('\0').filter(|p| !p.is_empty()).map(String::from).collect();
        Ok(Tree { root: root.to_path_buf(), kind: Kind::Git { rev: rev.to_string() }, files })
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

    /// Read many files in one go (one git process for a revision); each is
    /// text, or `None` when it is not UTF-8.
    pub fn read_lossy(&self, paths: &[&str]) -> Result<Vec<(String, Option<String>)>, TreeError> {
        let raw: Vec<(String, Vec<u8>)> = match &self.kind {
            Kind::Work => paths
                .iter()
                .map(|p| std::fs::read(self.root.join(p)).map(|b| (p.to_string(), b)).map_err(|e| TreeError::Io { path: p.to_string(), source: e }))
                .collect::<Result<_, _>>()?,
            Kind::Git { rev } => cat_files(&self.root, rev, paths)?,
        };
        Ok(raw.into_iter().map(|(p, b)| (p, String::from_utf8(b).ok())).collect())
    }

    /// Read many files as text, in one git process for a revision; a file
    /// that is not UTF-8 is an error naming it.
    pub fn read_texts(&self, paths: &[&str]) -> Result<Vec<(String, String)>, TreeError> {
        self.read_lossy(paths)?.into_iter().map(|(path, text)| text.map(|t| (path.clone(), t)).ok_or(TreeError::NotText { path })).collect()
    }

    pub fn read_text(&self, path: &str) -> Result<String, TreeError> {
        Ok(self.read_texts(&[path])?.remove(0).1)
    }
}

fn dir_prefix(dir: &str) -> String {
    let d = dir.trim_matches('/');
    if d.is_empty() || d == "." {
        String::new()
    } else {
        format!("{d}/")
    }
}

fn walk(root: &Path, dir: &Path, out: &mut BTreeSet<String>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let path = entry.path();
        let ft = entry.file_type()?;
        if ft.is_dir() {
            if name.starts_with('.') || name == "target" {
                continue;
            }
            walk(root, &path, out)?;
        } else if ft.is_file() {
            if let Ok(rel) = path.strip_prefix(root) {
                out.insert(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    Ok(())
}

/// `git cat-file --batch` for every path at `rev`.
fn cat_files(root: &Path, rev: &str, paths: &[&str]) -> Result<Vec<(String, Vec<u8>)>, TreeError> {
    if paths.is_empty() {
        return Ok(Vec::new());
    }
    let err = |m: String| TreeError::Git { args: "cat-file --batch".into(), message: m };
    let mut child = Command::new("git")
        .args(["cat-file", "--batch"])
        .current_dir(root)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| err(format!("cannot run git: {e}")))?;
    let mut stdin = child.stdin.take().ok_or_else(|| err("no stdin".into()))?;
    let request: String = paths.iter().map(|p| format!("{rev}:{p}\n")).collect();
    // Write from a thread so a large answer cannot deadlock against our request.
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(request.as_bytes());
    });
    let mut reader = BufReader::new(child.stdout.take().ok_or_else(|| err("no stdout".into()))?);
    let mut out = Vec::with_capacity(paths.len());
    for p in paths {
        let mut header = String::new();
        reader.read_line(&mut header).map_err(|e| err(e.to_string()))?;
        let parts: Vec<&str> = header.split_whitespace().collect();
        if parts.len() < 3 || parts[1] == "missing" {
            return Err(err(format!("{p} is not in {rev}")));
        }
        let size: usize = parts[2].parse().map_err(|_| err(format!("bad header `{}`", header.trim())))?;
        let mut buf = vec![0u8; size + 1];
        reader.read_exact(&mut buf).map_err(|e| err(e.to_string()))?;
        buf.pop();
        out.push((p.to_string(), buf));
    }
    let _ = writer.join();
    let _ = child.wait();
    Ok(out)
}
