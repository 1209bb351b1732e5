//! Finding the packages of a revision, their migsafe settings and their
//! sources, from the manifests in its tree (the same way for the working
//! tree and for a git revision, which cannot be handed to `cargo metadata`
//! without a checkout).

use crate::tree::{Tree, TreeError};
use migsafe_core::config::{read_manifest, resolve, ConfigError, Declared};
use migsafe_core::Dialect;

#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    #[error("{0} does not exist in this revision")]
    NoManifest(String),
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Tree(#[from] TreeError),
    #[error("{manifest}: no package declares where its migrations are; add\n\n    [package.metadata.migsafe]\n    migrations = \"migrations\"   # folder, relative to this Cargo.toml\n    dialect = \"postgres\"        # postgres | mysql | sqlite\n\n(or the same under [workspace.metadata.migsafe])")]
    NoConfig { manifest: String },
    #[error("{manifest}: the migrations folder `{dir}` is outside the repository")]
    OutsideRepo { manifest: String, dir: String },
    #[error("{dir} is configured as {a} by {pa} and as {b} by {pb}: one folder, one dialect")]
    DialectConflict { dir: String, a: Dialect, pa: String, b: Dialect, pb: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    pub name: String,
    /// The package directory, relative to the repository root (`""` for the root).
    pub dir: String,
    pub manifest: String,
}

/// One database: a migrations folder and the packages that share it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Database {
    pub migrations: String,
    pub dialect: Dialect,
    pub packages: Vec<Package>,
    /// The manifest whose settings named the folder.
    pub configured_by: String,
    /// Rule ids allowed by `allow = [...]` in the packages' (or workspace's) settings.
    pub allow: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Project {
    pub databases: Vec<Database>,
    /// Every package directory (to keep one package's sources out of another's).
    pub package_dirs: Vec<String>,
}

/// Join and normalise `/`-separated relative paths; `None` if it climbs out of the root.
pub fn join(base: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for p in base.split('/').chain(rel.split('/')) {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

fn parent(path: &str) -> &str {
    path.rsplit_once('/').map(|(d, _)| d).unwrap_or("")
}

fn glob_match(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    fn go(p: &[char], t: &[char]) -> bool {
        match (p.first(), t.first()) {
            (None, None) => true,
            (Some('*'), _) => go(&p[1..], t) || (!t.is_empty() && t[0] != '/' && go(p, &t[1..])),
            (Some('?'), Some(c)) if *c != '/' => go(&p[1..], &t[1..]),
            (Some(a), Some(b)) if a == b => go(&p[1..], &t[1..]),
            _ => false,
        }
    }
    go(&p, &t)
}

/// Read the project that `manifest` (repository-relative) roots in `tree`.
pub fn discover(tree: &Tree, manifest: &str) -> Result<Project, ProjectError> {
    if !tree.exists(manifest) {
        return Err(ProjectError::NoManifest(manifest.to_string()));
    }
    let declared = read_manifest(manifest, &tree.read_text(manifest)?)?;
    let dir = parent(manifest).to_string();
    // The workspace root: this manifest, or an ancestor whose members include it.
    let (ws_dir, ws): (String, Option<Declared>) = if declared.members.is_some() {
        (dir.clone(), Some(declared.clone()))
    } else {
        let mut found = (dir.clone(), None);
        let mut d = dir.clone();
        while !d.is_empty() {
            d = parent(&d).to_string();
            let m = join(&d, "Cargo.toml").unwrap_or_default();
            if tree.exists(&m) {
                if let Ok(decl) = read_manifest(&m, &tree.read_text(&m)?) {
                    if let Some(members) = &decl.members {
                        let rel = dir.strip_prefix(&format!("{d}/")).unwrap_or(&dir).to_string();
                        let rel = if d.is_empty() { dir.clone() } else { rel };
                        if members.iter().any(|g| glob_match(g.trim_end_matches('/'), &rel)) {
                            found = (d.clone(), Some(decl));
                            break;
                        }
                    }
                }
            }
        }
        found
    };

    // Which packages: a workspace root means all its members (and itself).
    let mut packages: Vec<(String, Declared)> = Vec::new();
    if declared.members.is_some() {
        if declared.package_name.is_some() {
            packages.push((dir.clone(), declared.clone()));
        }
        let members = declared.members.clone().unwrap_or_default();
        let candidates: Vec<String> = tree.files_under(&dir).into_iter().filter(|f| f.ends_with("/Cargo.toml")).map(|f| parent(f).to_string()).collect();
        for c in candidates {
            let rel = if dir.is_empty() { c.clone() } else { c.strip_prefix(&format!("{dir}/")).unwrap_or(&c).to_string() };
            let member = members.iter().any(|g| glob_match(g.trim_end_matches('/'), &rel));
            let excluded =
                declared.exclude.iter().any(|g| glob_match(g.trim_end_matches('/'), &rel) || rel.starts_with(&format!("{}/", g.trim_end_matches('/'))));
            if member && !excluded && c != dir {
                let m = join(&c, "Cargo.toml").unwrap_or_default();
                packages.push((c, read_manifest(&m, &tree.read_text(&m)?)?));
            }
        }
    } else {
        packages.push((dir.clone(), declared.clone()));
    }

    let ws_partial = ws.as_ref().and_then(|w| w.workspace.clone());
    let mut project = Project { databases: Vec::new(), package_dirs: packages.iter().map(|(d, _)| d.clone()).collect() };
    for (pdir, decl) in &packages {
        let pkg_manifest = join(pdir, "Cargo.toml").unwrap_or_default();
        let rel_to_ws = if ws_dir.is_empty() { pdir.clone() } else { pdir.strip_prefix(&format!("{ws_dir}/")).unwrap_or("").to_string() };
        let mut config = resolve(decl.package.as_ref(), ws_partial.as_ref(), &rel_to_ws).map(|(c, _)| c);
        // Unconfigured but conventional: a `migrations` folder beside the manifest.
        if config.is_none() && decl.package_name.is_some() && tree.is_dir(&join(pdir, "migrations").unwrap_or_default()) && packages.len() == 1 {
            config = Some(migsafe_core::config::Config { migrations: "migrations".into(), dialect: Dialect::Postgres });
        }
        let Some(config) = config else { continue };
        let Some(mdir) = join(pdir, &config.migrations) else {
            return Err(ProjectError::OutsideRepo { manifest: pkg_manifest, dir: config.migrations });
        };
        let allow = migsafe_core::config::allow_list(decl.package.as_ref(), ws_partial.as_ref());
        let pkg = Package { name: decl.package_name.clone().unwrap_or_else(|| pdir.clone()), dir: pdir.clone(), manifest: pkg_manifest.clone() };
        match project.databases.iter_mut().find(|d| d.migrations == mdir) {
            Some(db) => {
                if db.dialect != config.dialect {
                    return Err(ProjectError::DialectConflict { dir: mdir, a: db.dialect, pa: db.configured_by.clone(), b: config.dialect, pb: pkg_manifest });
                }
                db.packages.push(pkg);
                db.allow.extend(allow);
                db.allow.sort();
                db.allow.dedup();
            }
            None => project.databases.push(Database { migrations: mdir, dialect: config.dialect, packages: vec![pkg], configured_by: pkg_manifest, allow }),
        }
    }
    if project.databases.is_empty() {
        return Err(ProjectError::NoConfig { manifest: manifest.to_string() });
    }
    Ok(project)
}

impl Project {
    /// The Rust sources of a package: every `.rs` below its directory, except
    /// build output and other packages nested inside it.
    pub fn sources<'t>(&self, tree: &'t Tree, pkg: &Package) -> Vec<&'t str> {
        let nested: Vec<String> = self
            .package_dirs
            .iter()
            .filter(|d| **d != pkg.dir && (pkg.dir.is_empty() || d.starts_with(&format!("{}/", pkg.dir))))
            .map(|d| format!("{d}/"))
            .collect();
        tree.files_under(&pkg.dir)
            .into_iter()
            .filter(|f| f.ends_with(".rs"))
            .filter(|f| !f.split('/').any(|c| c == "target"))
            .filter(|f| !nested.iter().any(|n| f.starts_with(n.as_str())))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_and_refuses_to_climb_out() {
        assert_eq!(join("crates/api", "../../migrations").as_deref(), Some("migrations"));
        assert_eq!(join("", "db/migrations").as_deref(), Some("db/migrations"));
        assert_eq!(join("", "../x"), None);
    }

    #[test]
    fn member_globs() {
        assert!(glob_match("crates/*", "crates/api"));
        assert!(!glob_match("crates/*", "crates/api/sub"));
        assert!(glob_match("svc", "svc"));
    }
}
