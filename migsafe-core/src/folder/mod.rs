//! Where a package's migrations are, found the same way by the macros (on
//! disk, at compile time) and by `cargo migsafe` (in any git revision):
//! `migrations = "…"` in the package's `[package.metadata.migsafe]`, else in
//! the workspace's; else the folder the service's own tools read: the one
//! its code embeds (sqlx's `migrate!("…")`, or `migrate!()` for
//! `migrations`; diesel's `embed_migrations!("…")`), its diesel.toml's
//! `[migrations_directory]`, `migrations/` beside its manifest, and, for a
//! member that uses a database, the workspace root's diesel.toml, then
//! `migrations/` beside the workspace root's manifest.
//!
//! No IO: the caller hands over what it read (the settings, the macro calls
//! its code holds, diesel.toml's text) and answers whether a folder exists.
//! Paths are `/`-separated and relative to a root the caller picks (the
//! repository for the CLI, the file system's root for the macros).

mod embedded;

pub use embedded::{diesel_migrations_dir, embedded_migrations, Embedded};

use crate::config::Partial;
use crate::sources::join_path;

/// What is known of the package whose folder is sought.
#[derive(Debug, Clone, Copy)]
pub struct PackageFacts<'a> {
    /// Its directory (`""` for the root).
    pub dir: &'a str,
    /// Its manifest, as shown in reasons (`crates/api/Cargo.toml`).
    pub manifest: &'a str,
    /// Its `[package.metadata.migsafe]`.
    pub settings: Option<&'a Partial>,
    /// Whether it depends on a database library (or migsafe's runtime): only
    /// then does it share the workspace root's folder.
    pub uses_database: bool,
}

/// The workspace the package is a member of.
#[derive(Debug, Clone, Copy)]
pub struct WorkspaceFacts<'a> {
    /// The workspace root's directory.
    pub dir: &'a str,
    /// Its manifest, as shown in reasons.
    pub manifest: &'a str,
    /// Its `[workspace.metadata.migsafe]`.
    pub settings: Option<&'a Partial>,
}

/// A package's migrations folder and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The folder, relative to the root.
    pub path: String,
    /// `folder beside Cargo.toml`, `sqlx::migrate!("db") in src/main.rs:9`, …
    pub reason: String,
    /// The folder relative to the package's manifest, as its settings write it
    /// (for messages; others are `path` seen from the package).
    pub shown: String,
    /// Named by the package itself (its settings, code, diesel.toml or
    /// `migrations/`), not inherited from the workspace root.
    pub own: bool,
    /// Named by the settings, exactly: never narrowed to a dialect's subfolder.
    pub exact: bool,
}

/// A folder that cannot be the package's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FolderError {
    #[error("{manifest}: the migrations folder `{dir}` is outside the repository")]
    Outside { manifest: String, dir: String },
    #[error("{manifest}: the code names several migrations folders: {candidates}; pass --migrations <DIR>, or set `migrations = \"…\"` in [package.metadata.migsafe]")]
    Ambiguous { manifest: String, candidates: String },
}

/// A folder shown as a folder: `migrations/`, `./` for the root.
pub fn shown_dir(dir: &str) -> String {
    if dir.is_empty() {
        "./".to_string()
    } else {
        format!("{dir}/")
    }
}

/// `path` seen from `from` (both relative to the root): `migrations`, `../../db`, `.`.
pub fn relative(from: &str, path: &str) -> String {
    let a: Vec<&str> = from.split('/').filter(|p| !p.is_empty()).collect();
    let b: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut parts: Vec<&str> = vec![".."; a.len() - common];
    parts.extend(&b[common..]);
    if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }
}

/// The folder the settings name: the package's, else its workspace's.
pub fn from_settings(pkg: &PackageFacts, ws: Option<&WorkspaceFacts>) -> Result<Option<Found>, FolderError> {
    if let Some(m) = pkg.settings.and_then(|c| c.migrations.as_ref()) {
        let path = join_path(pkg.dir, m).ok_or_else(|| FolderError::Outside { manifest: pkg.manifest.to_string(), dir: m.clone() })?;
        let reason = format!("set in {} [package.metadata.migsafe]", pkg.manifest);
        return Ok(Some(Found { path, reason, shown: m.clone(), own: true, exact: true }));
    }
    if let Some((m, ws)) = ws.and_then(|w| Some((w.settings?.migrations.as_ref()?, w))) {
        let path = join_path(ws.dir, m).ok_or_else(|| FolderError::Outside { manifest: ws.manifest.to_string(), dir: m.clone() })?;
        let reason = format!("set in {} [workspace.metadata.migsafe]", ws.manifest);
        let shown = format!("{}{m}", "../".repeat(relative(ws.dir, pkg.dir).split('/').filter(|p| !p.is_empty() && *p != ".").count()));
        return Ok(Some(Found { path, reason, shown, own: true, exact: true }));
    }
    Ok(None)
}

/// What the finder reads when the settings name no folder.
pub struct Read<'a> {
    /// `migrate!` / `embed_migrations!` calls in the package's code (outside
    /// tests/, benches/ and examples/), each with the file it is in.
    pub embedded: &'a [(Embedded, String)],
    /// The text of the package's diesel.toml, if it has one.
    pub diesel_toml: Option<&'a str>,
    /// The text of the workspace root's diesel.toml, if it has one.
    pub workspace_diesel_toml: Option<&'a str>,
    /// Whether a folder exists.
    pub is_dir: &'a dyn Fn(&str) -> bool,
}

/// The folder the package's own tools would read (see the module doc), if any exists.
pub fn infer(pkg: &PackageFacts, ws: Option<&WorkspaceFacts>, read: &Read) -> Result<Option<Found>, FolderError> {
    let found = |path: String, reason: String, own: bool| {
        let shown = relative(pkg.dir, &path);
        Found { path, reason, shown, own, exact: false }
    };
    // 1. The folder the code embeds.
    let mut named: Vec<(String, String)> = Vec::new();
    for (e, file) in read.embedded {
        if let Some(path) = join_path(pkg.dir, &e.folder) {
            if (read.is_dir)(&path) && !named.iter().any(|(p, _)| *p == path) {
                named.push((path, format!("{} in {file}:{}", e.call, e.line)));
            }
        }
    }
    if named.len() > 1 {
        let candidates = named.iter().map(|(p, why)| format!("{} ({why})", shown_dir(p))).collect::<Vec<_>>().join(", ");
        return Err(FolderError::Ambiguous { manifest: pkg.manifest.to_string(), candidates });
    }
    if let Some((path, reason)) = named.pop() {
        return Ok(Some(found(path, reason, true)));
    }
    let diesel = |dir: &str, text: Option<&str>| text.and_then(diesel_migrations_dir).and_then(|m| join_path(dir, &m)).filter(|p| (read.is_dir)(p));
    // 2. Its diesel.toml; 3. `migrations/` beside its manifest.
    if let Some(path) = diesel(pkg.dir, read.diesel_toml) {
        return Ok(Some(found(path, format!("[migrations_directory] in {}", join_path(pkg.dir, "diesel.toml").unwrap_or_default()), true)));
    }
    let path = join_path(pkg.dir, "migrations").unwrap_or_default();
    if (read.is_dir)(&path) {
        return Ok(Some(found(path, format!("folder beside {}", pkg.manifest), true)));
    }
    // 4. The workspace root's diesel.toml; 5. `migrations/` beside the
    // workspace root's manifest: for a member that uses a database at all.
    let Some(ws) = ws.filter(|w| w.dir != pkg.dir && pkg.uses_database) else { return Ok(None) };
    if let Some(path) = diesel(ws.dir, read.workspace_diesel_toml) {
        let reason = format!("[migrations_directory] in the workspace's {}", join_path(ws.dir, "diesel.toml").unwrap_or_default());
        return Ok(Some(found(path, reason, false)));
    }
    let path = join_path(ws.dir, "migrations").unwrap_or_default();
    if (read.is_dir)(&path) {
        return Ok(Some(found(path, format!("folder beside the workspace's {}", ws.manifest), false)));
    }
    Ok(None)
}

/// The package's folder: named by the settings, else inferred.
pub fn find(pkg: &PackageFacts, ws: Option<&WorkspaceFacts>, read: &Read) -> Result<Option<Found>, FolderError> {
    match from_settings(pkg, ws)? {
        Some(f) => Ok(Some(f)),
        None => infer(pkg, ws, read),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(migrations: &str) -> Partial {
        Partial { migrations: Some(migrations.to_string()), ..Partial::default() }
    }

    fn pkg<'a>(dir: &'a str, manifest: &'a str, settings: Option<&'a Partial>) -> PackageFacts<'a> {
        PackageFacts { dir, manifest, settings, uses_database: true }
    }

    fn ws(settings: Option<&Partial>) -> WorkspaceFacts<'_> {
        WorkspaceFacts { dir: "", manifest: "Cargo.toml", settings }
    }

    /// `f` given a [`Read`] where the folders `dirs` exist.
    fn with<R>(dirs: &[&str], embedded: &[(Embedded, String)], diesel: Option<&str>, ws_diesel: Option<&str>, f: impl FnOnce(&Read) -> R) -> R {
        let is_dir = |p: &str| dirs.contains(&p);
        f(&Read { embedded, diesel_toml: diesel, workspace_diesel_toml: ws_diesel, is_dir: &is_dir })
    }

    fn path(r: Result<Option<Found>, FolderError>) -> Option<(String, String, String)> {
        r.unwrap().map(|f| (f.path, f.shown, f.reason))
    }

    #[test]
    fn settings_win_and_are_exact() {
        let own = settings("./db/migrations");
        let shared = settings("migrations");
        with(&["crates/api/migrations"], &[], None, None, |r| {
            let f = find(&pkg("crates/api", "crates/api/Cargo.toml", Some(&own)), Some(&ws(Some(&shared))), r).unwrap().unwrap();
            assert_eq!((f.path.as_str(), f.shown.as_str(), f.exact), ("crates/api/db/migrations", "./db/migrations", true));
            assert_eq!(f.reason, "set in crates/api/Cargo.toml [package.metadata.migsafe]");
            let f = find(&pkg("crates/api", "crates/api/Cargo.toml", None), Some(&ws(Some(&shared))), r).unwrap().unwrap();
            assert_eq!((f.path.as_str(), f.shown.as_str()), ("migrations", "../../migrations"));
            assert_eq!(f.reason, "set in Cargo.toml [workspace.metadata.migsafe]");
            let out = settings("../../x");
            assert_eq!(
                find(&pkg("api", "api/Cargo.toml", Some(&out)), None, r).unwrap_err().to_string(),
                "api/Cargo.toml: the migrations folder `../../x` is outside the repository"
            );
        });
    }

    /// A dialect alone names no folder: the folder is the one the service's tool reads.
    #[test]
    fn a_dialect_alone_leaves_the_folder_to_the_code() {
        let dialect_only = Partial { dialect: Some(crate::Dialect::Sqlite), ..Partial::default() };
        let embedded = embedded_migrations("static M: Migrator = sqlx::migrate!(\"db\");");
        let embedded: Vec<(Embedded, String)> = embedded.into_iter().map(|e| (e, "src/main.rs".to_string())).collect();
        with(&["db", "migrations"], &embedded, None, None, |r| {
            assert_eq!(
                path(find(&pkg("", "Cargo.toml", Some(&dialect_only)), None, r)),
                Some(("db".into(), "db".into(), "sqlx::migrate!(\"db\") in src/main.rs:1".into()))
            );
        });
    }

    #[test]
    fn inference_order() {
        let embedded: Vec<(Embedded, String)> = embedded_migrations("embed_migrations!(\"../../db\"); embed_migrations!(\"../../gone\");")
            .into_iter()
            .map(|e| (e, "api/src/lib.rs".into()))
            .collect();
        let diesel = "[migrations_directory]\ndir = \"sql\"\n";
        let p = pkg("a/api", "a/api/Cargo.toml", None);
        let w = ws(None);
        // The code first (a folder that does not exist is no candidate).
        with(&["db", "a/api/sql", "a/api/migrations", "migrations"], &embedded, Some(diesel), None, |r| {
            assert_eq!(path(infer(&p, Some(&w), r)).unwrap().1, "../../db");
        });
        // Then diesel.toml, then migrations/ beside the manifest.
        with(&["a/api/sql", "a/api/migrations", "migrations"], &[], Some(diesel), None, |r| {
            assert_eq!(path(infer(&p, Some(&w), r)).unwrap().2, "[migrations_directory] in a/api/diesel.toml");
        });
        with(&["a/api/migrations", "migrations"], &[], Some(diesel), None, |r| {
            assert_eq!(path(infer(&p, Some(&w), r)).unwrap().2, "folder beside a/api/Cargo.toml");
        });
        // Then the workspace's diesel.toml and migrations/, for a member that uses a database.
        with(&["sql", "migrations"], &[], None, Some(diesel), |r| {
            assert_eq!(
                path(infer(&p, Some(&w), r)).unwrap(),
                ("sql".into(), "../../sql".into(), "[migrations_directory] in the workspace's diesel.toml".into())
            );
        });
        with(&["migrations"], &[], None, None, |r| {
            let f = infer(&p, Some(&w), r).unwrap().unwrap();
            assert_eq!((f.reason.as_str(), f.own), ("folder beside the workspace's Cargo.toml", false));
            assert_eq!(infer(&PackageFacts { uses_database: false, ..p }, Some(&w), r).unwrap(), None);
        });
        // Two folders in the code: which one is for the user to say.
        with(&["db", "gone"], &embedded, None, None, |r| {
            let e = infer(&p, Some(&w), r).unwrap_err().to_string();
            assert!(
                e.starts_with("a/api/Cargo.toml: the code names several migrations folders: db/ (embed_migrations!(\"../../db\") in api/src/lib.rs:1), gone/"),
                "{e}"
            );
        });
    }

    #[test]
    fn relative_paths() {
        assert_eq!(relative("crates/api", "migrations"), "../../migrations");
        assert_eq!(relative("", "db/migrations"), "db/migrations");
        assert_eq!(relative("api", "api/migrations"), "migrations");
        assert_eq!(relative("api", "api"), ".");
    }
}
