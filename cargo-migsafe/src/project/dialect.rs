//! The dialect of a database: `--dialect`, else the settings of the
//! packages that share its folder (which must agree), else their
//! dependencies (see [`migsafe_core::deps::choose`]), the packages that name the
//! folder themselves first.

use super::{join, rel_to, Pkg, ProjectError, Selection};
use crate::tree::Tree;
use migsafe_core::deps::{self as zc, Choice};
use migsafe_core::folder::Found as Folder;
use migsafe_core::Dialect;

/// What choosing a database's dialect looks at.
pub(super) struct DialectCtx<'a> {
    pub tree: &'a Tree,
    pub pkgs: &'a [Pkg],
    pub folders: &'a [Option<Folder>],
    pub selection: &'a Selection,
    pub ws_partial: Option<&'a migsafe_core::config::Partial>,
    pub ws_manifest: &'a str,
    /// The directory of the manifest the command was given (what `--migrations` is relative to).
    pub base_dir: &'a str,
}

/// The dialect of the folder `dir` that the packages `users` share: the
/// flag, else their metadata, else their dependencies (see [`zc::choose`]).
pub(super) fn dialect_of(cx: &DialectCtx, users: &[usize], dir: &str) -> Result<(Dialect, String), ProjectError> {
    let DialectCtx { tree, pkgs, folders, selection, ws_partial, ws_manifest, base_dir } = *cx;
    if let Some(d) = selection.dialect {
        return Ok((d, "--dialect".to_string()));
    }
    // Metadata: each package's own, else its workspace's; they must agree.
    let mut declared: Option<(Dialect, String, &str)> = None;
    for &j in users {
        let p = &pkgs[j];
        let own = p.declared.package.as_ref().and_then(|c| c.dialect).map(|d| (d, p.package.manifest.clone(), "package"));
        let from_ws = ws_partial.and_then(|c| c.dialect).map(|d| (d, ws_manifest.to_string(), "workspace"));
        if let Some((d, file, table)) = own.or(from_ws) {
            match &declared {
                Some((a, pa, _)) if *a != d => {
                    return Err(ProjectError::DialectConflict { dir: dir.to_string(), a: *a, pa: pa.clone(), b: d, pb: file });
                }
                Some(_) => {}
                None => declared = Some((d, file, table)),
            }
        }
    }
    if let Some((d, file, table)) = declared {
        return Ok((d, format!("set in {file} [{table}.metadata.migsafe]")));
    }
    // Dependencies: the packages that name the folder themselves first.
    let named_by = |p: &Pkg, h: zc::Hint| -> zc::Hint {
        if users.len() > 1 {
            zc::Hint { why: format!("{}: {}", p.package.name, h.why), ..h }
        } else {
            h
        }
    };
    let hints_of = |own_only: bool| -> Vec<zc::Hint> {
        users
            .iter()
            .filter(|&&j| !own_only || folders[j].as_ref().is_some_and(|f| f.own))
            .flat_map(|&j| pkgs[j].manifest.hints().into_iter().map(move |h| named_by(&pkgs[j], h)))
            .collect()
    };
    let mut choice = zc::choose(&hints_of(true), dir);
    if choice == Choice::None {
        choice = zc::choose(&hints_of(false), dir);
    }
    let manifest = users.iter().map(|&j| pkgs[j].package.manifest.clone()).next().unwrap_or_default();
    match choice {
        Choice::One { dialect, why } => Ok((dialect, why)),
        Choice::None => {
            let packages = users.iter().map(|&j| pkgs[j].package.name.as_str()).collect::<Vec<_>>().join(", ");
            Err(ProjectError::NoDialect { manifest, dir: dir.to_string(), packages })
        }
        Choice::Ambiguous(found) => {
            let candidates = found.iter().map(|(d, why)| format!("{d} ({})", why.join(", "))).collect::<Vec<_>>().join(", ");
            // vaultwarden keeps one folder per dialect below `migrations/`.
            let mut subs: Vec<String> = tree
                .files_under(dir)
                .iter()
                .filter_map(|f| rel_to(dir, f).split_once('/').map(|(first, _)| first.to_string()))
                .filter(|first| zc::folder_dialect(first).is_some())
                .map(|first| join(dir, &first).unwrap_or_default())
                .collect();
            subs.dedup();
            let subfolders = if subs.is_empty() {
                String::new()
            } else {
                let flag = |s: &String| format!("--migrations {}", if base_dir.is_empty() { s.clone() } else { rel_to(base_dir, s) });
                format!("; or pick one of its dialect folders by name: {}", subs.iter().map(flag).collect::<Vec<_>>().join(", "))
            };
            Err(ProjectError::AmbiguousDialect { manifest, dir: dir.to_string(), candidates, subfolders })
        }
    }
}
