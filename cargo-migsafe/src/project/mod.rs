//! Finding the packages of a revision, their migrations and dialects, from
//! the manifests in its tree (the same way for the working tree and for a git
//! revision, which cannot be handed to `cargo metadata` without a checkout).
//!
//! A package's migrations folder and dialect come, in this order of
//! precedence, from `--migrations` / `--dialect`, from
//! `[package.metadata.migsafe]` (or the workspace's), and otherwise from what
//! the service's own tools read (see `migsafe_core::folder`, [`migsafe_core::deps`]
//! and [`discover`]).
//! Which packages are read follows cargo: `-p NAME`, `--workspace`, the whole
//! workspace at a virtual manifest, else the package of the manifest.

use crate::tree::{Tree, TreeError};
use migsafe_core::deps::{self as zc, Manifest};
mod dialect;
mod members;

use migsafe_core::folder::shown_dir as shown;

use dialect::{dialect_of, DialectCtx};
use members::{rel_to, select};
#[cfg(test)]
use migsafe_core::config::glob_match;
use migsafe_core::config::{allow_list, is_member, read_manifest, tool_of, BadGlob, ConfigError, Declared};
use migsafe_core::folder::{self, FolderError, Found as Folder, PackageFacts, WorkspaceFacts};
use migsafe_core::Dialect;

#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    #[error("{0} does not exist in this revision")]
    NoManifest(String),
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Tree(#[from] TreeError),
    #[error("{manifest}: no migrations folder found for {packages}: migsafe looks for sqlx's `migrate!(\"…\")` (and diesel's `embed_migrations!(\"…\")`) in the code, diesel.toml's [migrations_directory], and `migrations/` beside the package's Cargo.toml or the workspace's; pass --migrations <DIR> --dialect <postgres|mysql|sqlite>, or add\n\n    [package.metadata.migsafe]\n    migrations = \"migrations\"   # folder, relative to this Cargo.toml\n    dialect = \"postgres\"        # postgres | mysql | sqlite\n\n(or the same under [workspace.metadata.migsafe])")]
    NoConfig { manifest: String, packages: String },
    #[error("{manifest}: the migrations folder `{dir}` is outside the repository")]
    OutsideRepo { manifest: String, dir: String },
    #[error("{dir} is configured as {a} by {pa} and as {b} by {pb}: one folder, one dialect")]
    DialectConflict { dir: String, a: Dialect, pa: String, b: Dialect, pb: String },
    #[error("{manifest}: cannot tell the SQL dialect of `{dir}/`: no dependency of {packages} names a database (sqlx, diesel or sea-orm with a database feature, tokio-postgres, postgres, rusqlite, mysql, mysql_async, …); pass --dialect <postgres|mysql|sqlite>, or add\n\n    [package.metadata.migsafe]\n    dialect = \"postgres\"        # postgres | mysql | sqlite")]
    NoDialect { manifest: String, dir: String, packages: String },
    #[error("{manifest}: cannot tell the SQL dialect of `{dir}/`: the dependencies name {candidates}; pass --dialect <postgres|mysql|sqlite>, or set `dialect = \"…\"` in [package.metadata.migsafe]{subfolders}")]
    AmbiguousDialect { manifest: String, dir: String, candidates: String, subfolders: String },
    #[error("{manifest}: the code names several migrations folders: {candidates}; pass --migrations <DIR>, or set `migrations = \"…\"` in [package.metadata.migsafe]")]
    AmbiguousFolder { manifest: String, candidates: String },
    #[error("{manifest}: workspace pattern `{pattern}` is not a valid glob: {message}")]
    BadGlob { manifest: String, pattern: String, message: String },
    #[error("package `{name}` is not in {place}{hint}; its packages: {members}")]
    UnknownPackage { name: String, place: String, hint: String, members: String },
}

impl From<BadGlob> for ProjectError {
    fn from(BadGlob { manifest, pattern, message }: BadGlob) -> Self {
        ProjectError::BadGlob { manifest, pattern, message }
    }
}

impl From<FolderError> for ProjectError {
    fn from(e: FolderError) -> ProjectError {
        match e {
            FolderError::Outside { manifest, dir } => ProjectError::OutsideRepo { manifest, dir },
            FolderError::Ambiguous { manifest, candidates } => ProjectError::AmbiguousFolder { manifest, candidates },
        }
    }
}

impl ProjectError {
    /// The revision has no migsafe database for the selection: in a base
    /// revision that means nothing ran before (the manifest, the package,
    /// its migrations or its database dependency came later).
    pub fn is_unconfigured(&self) -> bool {
        matches!(
            self,
            ProjectError::NoManifest(_)
                | ProjectError::NoConfig { .. }
                | ProjectError::NoDialect { .. }
                | ProjectError::AmbiguousDialect { .. }
                | ProjectError::AmbiguousFolder { .. }
                | ProjectError::UnknownPackage { .. }
        )
    }
}

/// Which packages to read, and overrides of their migrations (the options of
/// `check`, `schema` and `footprint`).
#[derive(clap::Args, Debug, Clone, Default)]
pub struct Selection {
    /// Read this package (repeatable) [default: the package of the manifest; every member at a virtual manifest]
    #[arg(short = 'p', long = "package", value_name = "NAME", help_heading = "Package Selection")]
    pub packages: Vec<String>,
    /// Read every member of the workspace
    #[arg(long, conflicts_with = "packages", help_heading = "Package Selection")]
    pub workspace: bool,
    /// The migrations folder, relative to the manifest's directory (wins over metadata and inference)
    #[arg(long, value_name = "DIR", help_heading = "Migrations")]
    pub migrations: Option<String>,
    /// The SQL dialect of the migrations: postgres, mysql or sqlite (wins over metadata and inference)
    #[arg(long, value_name = "DIALECT", help_heading = "Migrations")]
    pub dialect: Option<Dialect>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    pub name: String,
    /// The package directory, relative to the repository root (`""` for the root).
    pub dir: String,
    pub manifest: String,
    /// The crates it depends on, by crate name (after `package = "…"`
    /// renames and `workspace = true`): [dependencies], [dev-dependencies]
    /// and [target.*] ones; sorted, each once. Tells which database
    /// libraries its code may call.
    pub deps: Vec<String>,
}

/// One database: a migrations folder and the packages that share it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Database {
    pub migrations: String,
    pub dialect: Dialect,
    /// The selected packages that use it (their code is read).
    pub packages: Vec<Package>,
    /// The manifest whose settings (or dependencies) named the folder.
    pub configured_by: String,
    /// Rule ids allowed by `allow = [...]` in the packages' (or workspace's) settings.
    pub allow: Vec<String>,
    /// `tool = "…"` in the settings: which tool runs the migrations, where file names do not tell.
    pub tool: Option<migsafe_core::migrations::Tool>,
    /// Why this folder: `folder beside Cargo.toml`, `--migrations`, `sqlx::migrate!("db") in src/main.rs:9`, …
    pub folder_reason: String,
    /// Why this dialect: `sqlx feature "postgres"`, `--dialect`, `set in Cargo.toml [package.metadata.migsafe]`, …
    pub dialect_reason: String,
    /// Workspace members that use the same folder but are not selected: their code is not read.
    pub unselected: Vec<Package>,
}

#[derive(Debug, Clone, Default)]
pub struct Project {
    pub databases: Vec<Database>,
    /// Every package directory (to keep one package's sources out of another's).
    pub package_dirs: Vec<String>,
    /// The packages read, in workspace order.
    pub selected: Vec<Package>,
    /// Every package of the workspace (just the one outside a workspace).
    pub members: Vec<Package>,
    /// The workspace root's manifest, inside a workspace.
    pub workspace: Option<String>,
    /// Selected packages for which no migrations folder was found: only
    /// their event and payload contracts are checked.
    pub without_migrations: Vec<Standalone>,
}

/// The `folder_reason` of a database whose folder `--migrations` names.
pub const FROM_FLAG: &str = "--migrations";

/// A selected package with no migrations folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standalone {
    pub package: Package,
    /// Rule ids allowed by `allow = [...]` in its (or the workspace's) settings.
    pub allow: Vec<String>,
}

/// Join and normalise `/`-separated relative paths; `None` if it climbs out of the root.
pub fn join(base: &str, rel: &str) -> Option<String> {
    migsafe_core::sources::join_path(base, rel)
}

fn parent(path: &str) -> &str {
    path.rsplit_once('/').map(|(d, _)| d).unwrap_or("")
}

/// One package while the project is worked out.
struct Pkg {
    package: Package,
    declared: Declared,
    manifest: Manifest,
    selected: bool,
}

/// Read the project that `manifest` (repository-relative) roots in `tree`,
/// with the packages `selection` picks.
///
/// A package without `migrations` in its metadata gets the first of these
/// that exists in the tree: the folder its code embeds (sqlx's `migrate!("…")`
/// or `migrate!()` for `migrations`, diesel's `embed_migrations!("…")`, both
/// relative to the manifest, outside tests/, benches/ and examples/); its
/// diesel.toml's `[migrations_directory]`; `migrations/` beside its manifest;
/// and, for a member that depends on a database library (or on
/// migsafe-runtime), the workspace root's diesel.toml, then `migrations/`
/// beside the workspace root's manifest (the database its members share, as
/// diesel's own search up the tree finds it). A package with none of these
/// has no database.
pub fn discover(tree: &Tree, manifest: &str, selection: &Selection) -> Result<Project, ProjectError> {
    if !tree.exists(manifest) {
        return Err(ProjectError::NoManifest(manifest.to_string()));
    }
    let text = tree.read_text(manifest)?;
    let declared = read_manifest(manifest, &text)?;
    let dir = parent(manifest).to_string();

    // The workspace root: this manifest, or an ancestor whose members include it.
    let mut ws: Option<(String, Declared, String)> = declared.members.is_some().then(|| (dir.clone(), declared.clone(), text.clone()));
    let mut d = dir.clone();
    while ws.is_none() && !d.is_empty() {
        d = parent(&d).to_string();
        let m = join(&d, "Cargo.toml").unwrap_or_default();
        if !tree.exists(&m) {
            continue;
        }
        let t = tree.read_text(&m)?;
        if let Ok(decl) = read_manifest(&m, &t) {
            if is_member(&m, &decl, &rel_to(&d, &dir))? {
                ws = Some((d.clone(), decl, t));
            }
        }
    }
    let ws_manifest = ws.as_ref().map(|(_, _, t)| Manifest::parse(t, None));
    let ws_dir = ws.as_ref().map(|(d, _, _)| d.clone());

    // Every package: the workspace's (the root package and the members), or this one.
    let mut found: Vec<(String, Declared, String)> = Vec::new();
    match &ws {
        Some((wdir, wdecl, wtext)) => {
            if wdecl.package_name.is_some() {
                found.push((wdir.clone(), wdecl.clone(), wtext.clone()));
            }
            let candidates: Vec<String> =
                tree.files_under(wdir).into_iter().filter(|f| f.ends_with("/Cargo.toml")).map(|f| parent(f).to_string()).filter(|c| c != wdir).collect();
            for c in candidates {
                let rel = rel_to(wdir, &c);
                let ws_manifest = join(wdir, "Cargo.toml").unwrap_or_default();
                if is_member(&ws_manifest, wdecl, &rel)? {
                    let m = join(&c, "Cargo.toml").unwrap_or_default();
                    let t = tree.read_text(&m)?;
                    let decl = read_manifest(&m, &t)?;
                    if decl.package_name.is_some() {
                        found.push((c, decl, t));
                    }
                }
            }
        }
        None => found.push((dir.clone(), declared.clone(), text.clone())),
    }
    let mut pkgs: Vec<Pkg> = found
        .into_iter()
        .map(|(pdir, decl, t)| {
            let manifest = Manifest::parse(&t, ws_manifest.as_ref());
            let package = Package {
                name: decl.package_name.clone().unwrap_or_else(|| pdir.clone()),
                manifest: join(&pdir, "Cargo.toml").unwrap_or_default(),
                dir: pdir,
                deps: manifest.crate_names(),
            };
            Pkg { package, declared: decl, manifest, selected: false }
        })
        .collect();

    select(&mut pkgs, selection, &dir, ws.as_ref().map(|(d, decl, _)| (d.as_str(), decl)), ws_manifest.as_ref())?;

    let mut project = Project {
        databases: Vec::new(),
        package_dirs: pkgs.iter().map(|p| p.package.dir.clone()).collect(),
        selected: pkgs.iter().filter(|p| p.selected).map(|p| p.package.clone()).collect(),
        members: pkgs.iter().map(|p| p.package.clone()).collect(),
        workspace: ws_dir.as_ref().map(|d| join(d, "Cargo.toml").unwrap_or_default()),
        without_migrations: Vec::new(),
    };

    // The folders named by metadata or by the flag; the rest are inferred.
    let ws_partial = ws.as_ref().and_then(|(_, d, _)| d.workspace.clone());
    let ws_manifest_path = project.workspace.clone().unwrap_or_default();
    let ws_facts = ws_dir.as_deref().map(|dir| WorkspaceFacts { dir, manifest: &ws_manifest_path, settings: ws_partial.as_ref() });
    let mut folders: Vec<Option<Folder>> = Vec::new();
    for p in &pkgs {
        let f = if let (true, Some(m)) = (p.selected, &selection.migrations) {
            let path = join(&dir, m).ok_or_else(|| ProjectError::OutsideRepo { manifest: manifest.to_string(), dir: m.clone() })?;
            Some(Folder { path, reason: FROM_FLAG.to_string(), shown: m.clone(), own: true, exact: true })
        } else {
            match folder::from_settings(&facts(p), ws_facts.as_ref()) {
                Ok(f) => f,
                // An unselected package's folder only puts its name in a note:
                // what cannot be told of it does not stop the selected ones.
                Err(_) if !p.selected => None,
                Err(e) => return Err(e.into()),
            }
        };
        folders.push(f);
    }
    let need: Vec<usize> = (0..pkgs.len()).filter(|&i| folders[i].is_none()).collect();
    let inferred = infer_folders(tree, &project, &pkgs, &need, ws_facts.as_ref())?;
    for (i, f) in need.into_iter().zip(inferred) {
        folders[i] = f;
    }

    // One database per folder that a selected package uses (a folder as
    // found, before it narrows to its subfolder for the dialect: the next
    // package that finds it must not make a second database of it).
    let mut made: Vec<&str> = Vec::new();
    for (i, p) in pkgs.iter().enumerate() {
        if !p.selected {
            continue;
        }
        match &folders[i] {
            None => {
                project.without_migrations.push(Standalone { package: p.package.clone(), allow: allow_list(p.declared.package.as_ref(), ws_partial.as_ref()) })
            }
            Some(f) => {
                if made.contains(&f.path.as_str()) || project.databases.iter().any(|d| d.migrations == f.path) {
                    continue;
                }
                made.push(&f.path);
                let users: Vec<usize> = (0..pkgs.len()).filter(|&j| folders[j].as_ref().is_some_and(|g| g.path == f.path)).collect();
                // The folder's reason: the first package that names it itself.
                let namer = users.iter().copied().find(|&j| folders[j].as_ref().is_some_and(|g| g.own) && pkgs[j].selected).unwrap_or(i);
                let folder = folders[namer].clone().unwrap_or_else(|| f.clone());
                let cx = DialectCtx {
                    tree,
                    pkgs: &pkgs,
                    folders: &folders,
                    selection,
                    ws_partial: ws_partial.as_ref(),
                    ws_manifest: &ws_manifest_path,
                    base_dir: &dir,
                };
                let (dialect, dialect_reason) = dialect_of(&cx, &users, &folder.path)?;
                // vaultwarden keeps one folder per dialect below `migrations/`:
                // an inferred folder narrows to the one named for the dialect.
                let mut folder = folder;
                if !folder.exact {
                    let sub = ["postgresql", "postgres", "pg", "mysql", "mariadb", "sqlite", "sqlite3"]
                        .iter()
                        .filter(|n| zc::folder_dialect(n) == Some(dialect))
                        .filter_map(|n| join(&folder.path, n))
                        .find(|p| tree.is_dir(p));
                    if let Some(sub) = sub {
                        folder.reason = format!("{}, its subfolder for {dialect}", folder.reason);
                        folder.path = sub;
                    }
                }
                let selected: Vec<&Pkg> = users.iter().map(|&j| &pkgs[j]).filter(|p| p.selected).collect();
                let mut allow: Vec<String> = selected.iter().flat_map(|p| allow_list(p.declared.package.as_ref(), ws_partial.as_ref())).collect();
                allow.sort();
                allow.dedup();
                let tool = selected.iter().find_map(|p| tool_of(p.declared.package.as_ref(), ws_partial.as_ref()));
                project.databases.push(Database {
                    migrations: folder.path.clone(),
                    dialect,
                    packages: selected.iter().map(|p| p.package.clone()).collect(),
                    configured_by: pkgs[namer].package.manifest.clone(),
                    allow,
                    tool,
                    folder_reason: folder.reason.clone(),
                    dialect_reason,
                    unselected: users.iter().map(|&j| &pkgs[j]).filter(|p| !p.selected).map(|p| p.package.clone()).collect(),
                });
            }
        }
    }
    if project.databases.is_empty() {
        let packages = match project.selected.len() {
            0 => "the selected packages".to_string(),
            _ => project.selected.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(", "),
        };
        return Err(ProjectError::NoConfig { manifest: manifest.to_string(), packages });
    }
    Ok(project)
}

/// What the folder finder knows of a package.
fn facts(p: &Pkg) -> PackageFacts<'_> {
    PackageFacts { dir: &p.package.dir, manifest: &p.package.manifest, settings: p.declared.package.as_ref(), uses_database: p.manifest.uses_database() }
}

/// The inferred folder of each package in `need` (see [`discover`] and [`folder::infer`]).
fn infer_folders(tree: &Tree, project: &Project, pkgs: &[Pkg], need: &[usize], ws: Option<&WorkspaceFacts>) -> Result<Vec<Option<Folder>>, ProjectError> {
    // The code of every package that needs it, read in one go.
    let mut wanted: Vec<(usize, &str)> = Vec::new();
    for &i in need {
        let pkg = &pkgs[i].package;
        for f in project.sources(tree, pkg) {
            let rel = rel_to(&pkg.dir, f);
            if !["tests/", "benches/", "examples/"].iter().any(|d| rel.starts_with(d)) {
                wanted.push((i, f));
            }
        }
    }
    let paths: Vec<&str> = wanted.iter().map(|(_, f)| *f).collect();
    let texts = tree.read_lossy(&paths)?;
    let mut embedded: Vec<Vec<(folder::Embedded, String)>> = vec![Vec::new(); pkgs.len()];
    for ((i, _), (path, text)) in wanted.iter().zip(texts) {
        let Some(text) = text.filter(|t| t.contains("migrate!") || t.contains("embed_migrations!")) else { continue };
        for e in folder::embedded_migrations(&text) {
            embedded[*i].push((e, path.clone()));
        }
    }
    let diesel_toml = |d: &str| -> Result<Option<String>, ProjectError> {
        let t = join(d, "diesel.toml").unwrap_or_default();
        Ok(if tree.exists(&t) { Some(tree.read_text(&t)?) } else { None })
    };
    let ws_diesel_toml = ws.filter(|_| !need.is_empty()).map(|w| diesel_toml(w.dir)).transpose()?.flatten();
    let is_dir = |p: &str| tree.is_dir(p);
    let mut out = Vec::new();
    for &i in need {
        let own = diesel_toml(&pkgs[i].package.dir)?;
        let read = folder::Read { embedded: &embedded[i], diesel_toml: own.as_deref(), workspace_diesel_toml: ws_diesel_toml.as_deref(), is_dir: &is_dir };
        match folder::infer(&facts(&pkgs[i]), ws, &read) {
            Ok(f) => out.push(f),
            // As in `discover`: an unselected package's doubt is not the selected ones'.
            Err(_) if !pkgs[i].selected => out.push(None),
            Err(e) => return Err(e.into()),
        }
    }
    Ok(out)
}

impl Project {
    /// This project's database that is `db` (of another revision of it):
    /// the one with `db`'s migrations folder, else, when the folder moved
    /// with its package (`migrations/` to `crates/app/migrations/`), the one
    /// of the same dialect that a package of `db` uses too. Migrations are
    /// told apart by their path inside the folder, so a moved folder's
    /// applied migrations stay applied.
    pub fn same_database(&self, db: &Database) -> Option<&Database> {
        self.databases
            .iter()
            .find(|b| b.migrations == db.migrations)
            .or_else(|| self.databases.iter().find(|b| b.dialect == db.dialect && b.packages.iter().any(|bp| db.packages.iter().any(|p| p.name == bp.name))))
    }

    /// What `check`, `schema` and `footprint` say on stderr before reading:
    /// which packages, each database's folder and dialect and why, and the
    /// workspace members that share a database but are not read.
    pub fn describe(&self) -> Vec<String> {
        let mut lines = Vec::new();
        let names = |ps: &[Package]| ps.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(", ");
        let word = if self.selected.len() == 1 { "     Package" } else { "    Packages" };
        let mut scope = match &self.workspace {
            None => self.selected.first().map(|p| p.manifest.clone()).unwrap_or_default(),
            Some(ws) if self.selected.len() == self.members.len() => format!("all {} members of the workspace at {ws}", self.members.len()),
            Some(ws) => format!("{} of {} members of the workspace at {ws}; --workspace reads all", self.selected.len(), self.members.len()),
        };
        if !self.without_migrations.is_empty() {
            let names: Vec<&str> = self.without_migrations.iter().map(|s| s.package.name.as_str()).collect();
            let their = if names.len() == 1 { "its" } else { "their" };
            scope.push_str(&format!("; no migrations folder for {}: only {their} event and payload contracts are read", names.join(", ")));
        }
        lines.push(format!("{word} {} ({scope})", names(&self.selected)));
        for db in &self.databases {
            let for_ = if self.members.len() > 1 { format!(" for {}", names(&db.packages)) } else { String::new() };
            // Metadata that sets both says so once.
            let why = if db.dialect_reason == db.folder_reason { db.dialect_reason.clone() } else { format!("{}; {}", db.dialect_reason, db.folder_reason) };
            lines.push(format!("     Reading {}{for_} ({}: {why})", shown(&db.migrations), db.dialect));
        }
        for db in self.databases.iter().filter(|d| !d.unselected.is_empty()) {
            let others = names(&db.unselected);
            let (verb, their, them) = if db.unselected.len() == 1 { ("is", "its", "it") } else { ("are", "their", "them") };
            let ps: String = db.unselected.iter().map(|p| format!(" -p {}", p.name)).collect();
            lines.push(format!(
                "note: {} is shared with {others}, which {verb} not selected: {their} code is not read, so {their} uses of the database are not checked; pass --workspace (or{ps}) to include {them}",
                shown(&db.migrations),
            ));
        }
        lines
    }

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

    /// A tree on disk (outside git) from `(path, text)` pairs.
    fn tree(files: &[(&str, &str)]) -> (tempfile::TempDir, Tree) {
        let dir = tempfile::tempdir().unwrap();
        for (p, t) in files {
            let path = dir.path().join(p);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, t).unwrap();
        }
        let t = Tree::work(dir.path(), false).unwrap();
        (dir, t)
    }

    fn names(ps: &[Package]) -> Vec<&str> {
        ps.iter().map(|p| p.name.as_str()).collect()
    }

    const PG: &str = "[dependencies]\nsqlx = { version = \"0.8\", features = [\"postgres\"] }\n";

    #[test]
    fn deps_are_crate_names_after_renames_and_inheritance() {
        let (_d, t) = tree(&[
            ("Cargo.toml", "[workspace]\nmembers = [\"api\"]\n[workspace.dependencies]\npg = { package = \"tokio-postgres\", version = \"0.7\" }\n"),
            ("api/Cargo.toml", "[package]\nname = \"api\"\n[dependencies]\npg = { workspace = true }\nq = { package = \"sqlx\", version = \"0.8\" }\n[dev-dependencies]\ntempfile = \"3\"\n[target.'cfg(unix)'.dependencies]\nlibc = \"0.2\"\n[build-dependencies]\ncc = \"1\"\n"),
            ("api/migrations/1_a.sql", "CREATE TABLE a (id INT);"),
        ]);
        let p = discover(&t, "Cargo.toml", &Selection::default()).unwrap();
        assert_eq!(p.selected[0].deps, ["libc", "sqlx", "tempfile", "tokio-postgres"]);
        assert_eq!(p.databases[0].dialect, Dialect::Postgres);
        assert_eq!(p.databases[0].dialect_reason, "dependency tokio-postgres");
        assert_eq!(p.databases[0].migrations, "api/migrations");
    }

    /// Packages that share a folder with one subfolder per dialect (Plume's
    /// plume, plume-cli and plume-models) make one database, not one each:
    /// each of them made its own, and every finding was reported once per
    /// package.
    #[test]
    fn a_shared_folder_narrowed_to_its_dialect_is_one_database() {
        let (_d, t) = tree(&[
            ("Cargo.toml", &*format!("[package]\nname = \"app\"\n{PG}[workspace]\nmembers = [\"cli\", \"models\"]\n")),
            ("cli/Cargo.toml", &*format!("[package]\nname = \"cli\"\n{PG}")),
            ("models/Cargo.toml", &*format!("[package]\nname = \"models\"\n{PG}")),
            ("migrations/postgres/1_a/up.sql", "CREATE TABLE a (id INT);"),
            ("migrations/sqlite/1_a/up.sql", "CREATE TABLE a (id INTEGER);"),
        ]);
        let p = discover(&t, "Cargo.toml", &Selection { workspace: true, ..Default::default() }).unwrap();
        assert_eq!(p.databases.len(), 1, "{:?}", p.databases);
        assert_eq!(p.databases[0].migrations, "migrations/postgres");
        assert_eq!(names(&p.databases[0].packages), ["app", "cli", "models"]);
    }

    /// A member whose code names two folders (atuin-client: `migrations/`,
    /// `record-migrations/`) stops only a run that selects it; with `-p`
    /// another member is checked (atuin-server-postgres was refused).
    #[test]
    fn an_unselected_members_doubt_does_not_stop_the_selected_one() {
        let (_d, t) = tree(&[
            ("Cargo.toml", "[workspace]\nmembers = [\"server\", \"client\"]\n"),
            ("server/Cargo.toml", &*format!("[package]\nname = \"server\"\n{PG}")),
            ("server/migrations/1_a.sql", "CREATE TABLE a (id INT);"),
            ("client/Cargo.toml", &*format!("[package]\nname = \"client\"\n{PG}")),
            ("client/src/lib.rs", "fn m() { sqlx::migrate!(\"one\"); sqlx::migrate!(\"two\"); }\n"),
            ("client/one/1_a.sql", "CREATE TABLE b (id INT);"),
            ("client/two/1_a.sql", "CREATE TABLE c (id INT);"),
        ]);
        let p = discover(&t, "Cargo.toml", &Selection { packages: vec!["server".into()], ..Default::default() }).unwrap();
        assert_eq!(p.databases.len(), 1);
        assert_eq!(p.databases[0].migrations, "server/migrations");
        let e = discover(&t, "Cargo.toml", &Selection { packages: vec!["client".into()], ..Default::default() }).unwrap_err();
        assert!(e.to_string().contains("several migrations folders"), "{e}");
    }

    #[test]
    fn selection_follows_cargo() {
        let files = [
            (
                "Cargo.toml",
                "[package]\nname = \"root\"\n[dependencies]\nsqlx = { version = \"0.8\", features = [\"postgres\"] }\n[workspace]\nmembers = [\"crates/*\"]\n",
            ),
            ("migrations/1_a.sql", "CREATE TABLE a (id INT);"),
            ("crates/a/Cargo.toml", &*format!("[package]\nname = \"a\"\n{PG}")),
            ("crates/b/Cargo.toml", &*format!("[package]\nname = \"b\"\n{PG}")),
        ];
        let (_d, t) = tree(&files);
        // A root package: that package by default, the others named in a note.
        let p = discover(&t, "Cargo.toml", &Selection::default()).unwrap();
        assert_eq!(names(&p.selected), ["root"]);
        assert_eq!(names(&p.databases[0].unselected), ["a", "b"]);
        assert!(p.describe().iter().any(|l| l.starts_with("note: migrations/ is shared with a, b, which are not selected")), "{:?}", p.describe());
        // A member manifest: that member; -p and --workspace reach the others.
        let p = discover(&t, "crates/b/Cargo.toml", &Selection::default()).unwrap();
        assert_eq!(names(&p.selected), ["b"]);
        assert_eq!(p.databases[0].folder_reason, "folder beside the workspace's Cargo.toml");
        let p = discover(&t, "crates/b/Cargo.toml", &Selection { packages: vec!["a".into(), "root".into()], ..Default::default() }).unwrap();
        assert_eq!(names(&p.selected), ["root", "a"]);
        let p = discover(&t, "crates/b/Cargo.toml", &Selection { workspace: true, ..Default::default() }).unwrap();
        assert_eq!(names(&p.databases[0].packages), ["root", "a", "b"]);
        assert!(p.databases[0].unselected.is_empty());
        let e = discover(&t, "Cargo.toml", &Selection { packages: vec!["c".into()], ..Default::default() }).unwrap_err();
        assert!(e.to_string().starts_with("package `c` is not in the workspace at Cargo.toml"), "{e}");
        // default-members at the root.
        let mut with_default = files.to_vec();
        let root = "[package]\nname = \"root\"\n[dependencies]\nsqlx = { version = \"0.8\", features = [\"postgres\"] }\n[workspace]\nmembers = [\"crates/*\"]\ndefault-members = [\"crates/a\"]\n";
        with_default[0] = ("Cargo.toml", root);
        let (_d, t) = tree(&with_default);
        let p = discover(&t, "Cargo.toml", &Selection::default()).unwrap();
        assert_eq!(names(&p.selected), ["a"]);
    }

    #[test]
    fn folders_the_code_and_diesel_name() {
        let (_d, t) = tree(&[
            ("Cargo.toml", "[workspace]\nmembers = [\"crates/*\"]\n"),
            ("diesel.toml", "[migrations_directory]\ndir = \"db/migrations\"\n"),
            ("db/migrations/2024-01-01-000000_a/up.sql", "CREATE TABLE a (id INT);"),
            // diesel's embed_migrations! relative to the member's manifest.
            ("crates/schema/Cargo.toml", "[package]\nname = \"schema\"\n[dependencies]\ndiesel = { version = \"2\", features = [\"postgres\"] }\n"),
            ("crates/schema/src/lib.rs", "pub const M: EmbeddedMigrations = embed_migrations!(\"../../db/migrations\");\n"),
            // No folder of its own: the workspace's diesel.toml.
            ("crates/api/Cargo.toml", "[package]\nname = \"api\"\n[dependencies]\ndiesel = { version = \"2\", features = [\"postgres\"] }\n"),
            // No database dependency: not part of the database.
            ("crates/cli/Cargo.toml", "[package]\nname = \"cli\"\n"),
        ]);
        let p = discover(&t, "Cargo.toml", &Selection::default()).unwrap();
        assert_eq!(p.databases.len(), 1);
        let db = &p.databases[0];
        assert_eq!(db.migrations, "db/migrations");
        assert_eq!(names(&db.packages), ["api", "schema"]);
        assert_eq!(db.folder_reason, "embed_migrations!(\"../../db/migrations\") in crates/schema/src/lib.rs:1");
        assert_eq!(p.without_migrations.iter().map(|s| s.package.name.as_str()).collect::<Vec<_>>(), ["cli"]);
        let p = discover(&t, "crates/api/Cargo.toml", &Selection::default()).unwrap();
        assert_eq!(p.databases[0].folder_reason, "[migrations_directory] in the workspace's diesel.toml");
    }

    /// Issue 11: `members = ["************b"]` against a long directory name
    /// took 48 s with the backtracking matcher. Cargo refuses that pattern
    /// (`**` must be a whole component), and so do we, at once; stars spread
    /// through a pattern cost time linear in the name.
    #[test]
    fn pathological_member_globs_finish_fast() {
        let started = std::time::Instant::now();
        let long = "a".repeat(5_000);
        assert!(glob_match("************b", &long).is_err());
        assert!(!glob_match("*a*a*a*a*a*a*a*a*a*a*a*a*b", &long).unwrap());
        assert!(!glob_match("*?*?*?*?*?*?*?*?*?*?*?*?b", &long).unwrap());
        assert!(glob_match("*a*a*a*a*a*a*a*a*a*a*a*a", &long).unwrap());
        assert!(started.elapsed() < std::time::Duration::from_secs(2), "took {:?}", started.elapsed());

        // A directory name as long as the file system allows.
        let dir = "a".repeat(250);
        let (_d, t) = tree(&[("Cargo.toml", "[workspace]\nmembers = [\"************b\"]\n"), (&format!("{dir}/Cargo.toml"), "[package]\nname = \"a\"\n")]);
        let e = discover(&t, "Cargo.toml", &Selection::default()).unwrap_err();
        assert_eq!(e.to_string(), "Cargo.toml: workspace pattern `************b` is not a valid glob: wildcards are either regular `*` or recursive `**`");
    }
}
