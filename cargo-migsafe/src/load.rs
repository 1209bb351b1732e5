//! Loading one database of one revision: migrations applied, sources scanned.

use crate::project::{Database, Project};
use crate::tree::Tree;
use migsafe_core::check::RevisionInput;
use migsafe_core::migrations::{MigrationSource, SourceFile};
use migsafe_core::schema::analyze;
use migsafe_core::sources::{scan_crate, CrateInfo, Files};
use migsafe_core::Diagnostic;
use std::collections::HashMap;

/// A loaded revision of one database, with the texts read (for snippets).
pub struct Loaded {
    pub input: RevisionInput,
    pub texts: HashMap<String, String>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Read the migrations of `db` from `tree` (the folder may be absent in a
/// base revision that predates it: `must_exist` says whether that is an error).
pub fn migrations(tree: &Tree, db: &Database, must_exist: bool) -> Result<(MigrationSource, Vec<Diagnostic>), String> {
    let mut diags = Vec::new();
    if !tree.is_dir(&db.migrations) {
        if must_exist {
            return Err(format!("{}: the migrations folder `{}` does not exist (or holds no files)", db.configured_by, db.migrations));
        }
        return Ok((MigrationSource::new(db.migrations.clone(), vec![]), diags));
    }
    let paths = tree.files_under(&db.migrations);
    let mut files = Vec::new();
    for (p, text) in tree.read_lossy(&paths).map_err(|e| e.to_string())? {
        let rel = p.strip_prefix(&format!("{}/", db.migrations)).unwrap_or(&p).to_string();
        match text {
            Some(t) => files.push(SourceFile::new(rel, t)),
            None => diags.push(Diagnostic::error(migsafe_core::Location::new(p, 1, 1), "not UTF-8 text (a binary file in the migrations folder?)")),
        }
    }
    Ok((MigrationSource::new(db.migrations.clone(), files), diags))
}

pub fn no_migrations(db: &Database) -> String {
    format!("{}: the migrations folder `{}` holds no migrations (no file in a layout migsafe knows)", db.configured_by, db.migrations)
}

pub fn load(tree: &Tree, project: &Project, db: &Database, sha: Option<String>, must_exist: bool) -> Result<Loaded, String> {
    let (src, mut diagnostics) = migrations(tree, db, must_exist)?;
    let mut texts: HashMap<String, String> = src.files.iter().map(|f| (src.display_path(&f.path), f.text.clone())).collect();
    let history = analyze(db.dialect, &src);
    if must_exist && history.migrations.is_empty() && !history.has_errors() {
        return Err(no_migrations(db));
    }
    diagnostics.extend(history.diagnostics.iter().cloned());
    let mut sites = Vec::new();
    for pkg in &db.packages {
        let paths = project.sources(tree, pkg);
        let mut read = Vec::new();
        for (path, text) in tree.read_lossy(&paths).map_err(|e| e.to_string())? {
            match text {
                Some(t) => read.push((path, t)),
                None => diagnostics.push(Diagnostic::error(migsafe_core::Location::new(path, 1, 1), "not UTF-8 text")),
            }
        }
        let info = CrateInfo { dir: pkg.dir.clone(), deps: None, dialect: Some(db.dialect) };
        let scan = scan_crate(&read, &info, &TreeFiles(tree));
        for (path, text) in read {
            if scan.files.contains(&path) {
                texts.insert(path, text);
            }
        }
        sites.extend(scan.sites);
        diagnostics.extend(scan.diagnostics);
    }
    Ok(Loaded { input: RevisionInput { sha, history, sites }, texts, diagnostics })
}

/// The revision's other files (`include_str!`, `query_file!`), for the footprint sources.
struct TreeFiles<'t>(&'t Tree);

impl Files for TreeFiles<'_> {
    fn read(&self, path: &str) -> Option<String> {
        if self.0.exists(path) {
            self.0.read_text(path).ok()
        } else {
            None
        }
    }
}
