//! Finding the crate's migrations (with `migsafe_core::folder`, as `cargo
//! migsafe` finds them, unless `MIGSAFE_MIGRATIONS_DIR` says) and building
//! their schema, once per compiler process.
//!
//! rustc loads a proc-macro crate once per crate it compiles, so a static
//! cache shares one schema between every annotation of that crate. The cache
//! is keyed by the folder and each migration file's size and modification
//! time, so a long-lived host (rust-analyzer's proc-macro server) sees edits.
//! The folder is listed again at most once a second.
//!
//! Across compiler processes, [`crate::cache`] keeps the schema on disk, and
//! which annotations passed against it: a `cargo check` after an edit
//! re-checks only the annotations that changed, and builds the schema (or
//! reads it from disk) only for those.

use crate::cache::Disk;
use migsafe_core::config::{is_member, read_manifest, Declared};
use migsafe_core::deps;
use migsafe_core::folder::{self, embedded_migrations, Embedded, PackageFacts, WorkspaceFacts};
use migsafe_core::migrations::{discover, MigrationSource, SourceFile};
use migsafe_core::schema::{analyze, apply_script, Schema};
use migsafe_core::Dialect;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime};

/// The migrations of the folder; the schema they build is built (or read from
/// the disk cache) on first use.
pub struct Loaded {
    /// Absolute paths of the migration files (for `include_bytes!`).
    pub files: Vec<PathBuf>,
    located: Located,
    fingerprint: Fingerprint,
    disk: Option<Disk>,
    schema: OnceLock<Result<Schema, LoadError>>,
    /// When the schema was built from the cached one of fewer migrations: the
    /// annotations that passed against that one, and what the new migrations changed.
    carry: OnceLock<crate::carry::Carry>,
    /// Hashes of the annotations that passed against this schema (from the disk cache, and this process).
    passed: Mutex<HashSet<u128>>,
    /// The files were `include_bytes!`d already (see [`Loaded::first_mention`]).
    mentioned: AtomicBool,
}

impl Loaded {
    fn new(located: Located, fingerprint: Fingerprint) -> Loaded {
        let disk = Disk::new(located.dialect.name(), &located.dir, &located.shown, &fingerprint);
        let passed = disk.as_ref().map(|d| d.read_passed()).unwrap_or_default();
        Loaded {
            files: fingerprint.iter().map(|f| f.0.clone()).collect(),
            located,
            fingerprint,
            disk,
            schema: OnceLock::new(),
            carry: OnceLock::new(),
            passed: Mutex::new(passed),
            mentioned: AtomicBool::new(false),
        }
    }

    /// The schema after every migration of the folder, or why it cannot be built.
    pub fn schema(&self) -> &Result<Schema, LoadError> {
        self.schema.get_or_init(|| {
            if let Some(s) = self.disk.as_ref().and_then(|d| d.read_schema()) {
                return Ok(s);
            }
            let built = build(&self.located, &self.fingerprint, self.disk.as_ref()).map(|(schema, _, carry)| {
                if let Some(c) = carry {
                    let _ = self.carry.set(c);
                }
                schema
            });
            if let (Ok(s), Some(d)) = (&built, &self.disk) {
                d.write_schema(s);
            }
            built
        })
    }

    /// Whether this annotation (see [`crate::cache::annotation_key`]) already passed against this schema.
    pub fn passed(&self, key: u128) -> bool {
        self.passed.lock().unwrap_or_else(|e| e.into_inner()).contains(&key)
    }

    /// Whether this annotation passed against the schema before the added
    /// migrations and names nothing they changed (see [`crate::carry`]): then it
    /// passes now, and is recorded so. Call after [`Loaded::schema`].
    pub fn carried(&self, key: u128, decl: &migsafe_core::annotations::Decl) -> bool {
        let kept = self.carry.get().is_some_and(|c| c.keeps(key, decl));
        if kept {
            self.record_pass(key);
        }
        kept
    }

    /// [`Loaded::carried`] for a `sql!` judged from its literal's source text
    /// (see [`crate::carry::Carry::keeps_literal`]), without parsing it: `None`
    /// when the text cannot tell. Call after [`Loaded::schema`].
    pub fn carried_literal(&self, key: u128, literal: &str) -> Option<bool> {
        let kept = self.carry.get()?.keeps_literal(key, literal)?;
        if kept {
            self.record_pass(key);
        }
        Some(kept)
    }

    /// Records that an annotation resolved without a problem against [`Loaded::schema`].
    pub fn record_pass(&self, key: u128) {
        if self.passed.lock().unwrap_or_else(|e| e.into_inner()).insert(key) {
            if let Some(d) = &self.disk {
                d.add_passed(key);
            }
        }
    }
}

/// What stops the schema from being built: each message names a file (and line).
pub type LoadError = Vec<String>;

/// The migrations folder to read, as found from the manifest or the environment.
#[derive(Clone, PartialEq, Eq, Hash)]
struct Located {
    dir: PathBuf,
    /// The folder as the user wrote it (shown in messages).
    shown: String,
    dialect: Dialect,
}

type Fingerprint = Vec<(PathBuf, u64, Option<SystemTime>)>;

struct Entry {
    checked: Instant,
    fingerprint: Fingerprint,
    loaded: Arc<Result<Loaded, LoadError>>,
}

/// How long a listing of the folder is trusted before it is taken again.
const RECHECK: Duration = Duration::from_secs(1);

fn cache() -> &'static Mutex<HashMap<Located, Entry>> {
    static CACHE: OnceLock<Mutex<HashMap<Located, Entry>>> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

/// Where the folder is for the crate being compiled; cached per manifest directory and environment.
fn locate() -> Result<Located, String> {
    type Key = (Option<String>, Option<String>, Option<String>);
    type Found = (Instant, Result<Located, String>);
    static LOCATED: OnceLock<Mutex<HashMap<Key, Found>>> = OnceLock::new();
    let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    let key = (var("CARGO_MANIFEST_DIR"), var("MIGSAFE_MIGRATIONS_DIR"), var("MIGSAFE_DIALECT"));
    let map = LOCATED.get_or_init(Default::default);
    let mut map = map.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((at, found)) = map.get(&key) {
        if at.elapsed() < RECHECK {
            return found.clone();
        }
    }
    let found = locate_uncached(key.0.as_deref(), key.1.as_deref(), key.2.as_deref());
    map.insert(key, (Instant::now(), found.clone()));
    found
}

fn locate_uncached(manifest_dir: Option<&str>, env_dir: Option<&str>, env_dialect: Option<&str>) -> Result<Located, String> {
    let manifest_dir = PathBuf::from(manifest_dir.ok_or(
        "CARGO_MANIFEST_DIR is not set: migsafe's macros find the migrations from the crate's Cargo.toml, so build with cargo (or set MIGSAFE_MIGRATIONS_DIR)",
    )?);
    let env_dialect = match env_dialect {
        Some(d) => Some(d.parse::<Dialect>().map_err(|e| format!("MIGSAFE_DIALECT: {e}"))?),
        None => None,
    };
    if let Some(dir) = env_dir {
        let p = PathBuf::from(dir);
        let dir_abs = if p.is_absolute() { p } else { manifest_dir.join(p) };
        // The manifest may still choose the dialect.
        let dialect = match env_dialect {
            Some(d) => d,
            None => manifest_config(&manifest_dir).ok().map(|c| c.2).unwrap_or(Dialect::Postgres),
        };
        return Ok(Located { dir: dir_abs, shown: dir.to_string(), dialect });
    }
    let (dir, shown, dialect) = manifest_config(&manifest_dir)?;
    Ok(Located { dir, shown, dialect: env_dialect.unwrap_or(dialect) })
}

/// The package's folder as [`migsafe_core::folder::find`] finds it (as `cargo migsafe` does), and its dialect:
/// `dialect = "…"` in the package's or the workspace's settings, else what its dependencies say, chosen by
/// [`migsafe_core::deps::choose`] as `cargo migsafe` chooses (an ambiguous choice is an error, as there), else PostgreSQL.
fn manifest_config(manifest_dir: &Path) -> Result<(PathBuf, String, Dialect), String> {
    let manifest = manifest_dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).map_err(|e| format!("cannot read {}: {e}", manifest.display()))?;
    let own = read_manifest(&manifest.display().to_string(), &text).map_err(|e| e.to_string())?;
    // The workspace root, and its text: this manifest, or the nearest ancestor whose `members` include the
    // package and whose `exclude` does not (`config::is_member`, as `cargo migsafe` decides).
    let mut workspace: Option<(Declared, PathBuf, String)> = None;
    if own.members.is_some() {
        workspace = Some((own.clone(), manifest_dir.to_path_buf(), text.clone()));
    } else {
        for dir in manifest_dir.ancestors().skip(1) {
            let m = dir.join("Cargo.toml");
            let Ok(text) = std::fs::read_to_string(&m) else { continue };
            let shown = m.display().to_string();
            let declared = read_manifest(&shown, &text).map_err(|e| e.to_string())?;
            let rel =
                manifest_dir.strip_prefix(dir).unwrap_or(manifest_dir).components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
            if is_member(&shown, &declared, &rel).map_err(|e| e.to_string())? {
                workspace = Some((declared, dir.to_path_buf(), text));
                break;
            }
        }
    }
    let ws_settings = workspace.as_ref().and_then(|(d, _, _)| d.workspace.as_ref());
    let declared_dialect = own.package.as_ref().and_then(|p| p.dialect).or(ws_settings.and_then(|w| w.dialect));
    // Paths from the file system's root, `/`-separated, as the finder takes them.
    let root = manifest_dir.ancestors().last().unwrap_or(manifest_dir).to_path_buf();
    let rel = |p: &Path| p.strip_prefix(&root).unwrap_or(p).components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect::<Vec<_>>().join("/");
    let pkg_dir = rel(manifest_dir);
    let ws_dir = workspace.as_ref().map(|(_, d, _)| rel(d));
    let shown_manifest = manifest.display().to_string();
    let ws_manifest = workspace.as_ref().map(|(_, d, _)| d.join("Cargo.toml").display().to_string()).unwrap_or_default();
    // Only crates that use migsafe's macros get here: they use a database.
    let pkg = PackageFacts { dir: &pkg_dir, manifest: &shown_manifest, settings: own.package.as_ref(), uses_database: true };
    let ws = ws_dir.as_deref().map(|dir| WorkspaceFacts { dir, manifest: &ws_manifest, settings: ws_settings });
    let found = match folder::from_settings(&pkg, ws.as_ref()).map_err(|e| e.to_string())? {
        Some(f) => Some(f),
        None => {
            let embedded = embedded_in_code(manifest_dir);
            let diesel_toml = std::fs::read_to_string(manifest_dir.join("diesel.toml")).ok();
            let ws_diesel_toml = workspace.as_ref().and_then(|(_, d, _)| std::fs::read_to_string(d.join("diesel.toml")).ok());
            let is_dir = |p: &str| root.join(p).is_dir();
            let read =
                folder::Read { embedded: &embedded, diesel_toml: diesel_toml.as_deref(), workspace_diesel_toml: ws_diesel_toml.as_deref(), is_dir: &is_dir };
            folder::infer(&pkg, ws.as_ref(), &read).map_err(|e| e.to_string())?
        }
    };
    let dialect = match declared_dialect {
        Some(d) => d,
        None => {
            let ws_deps = workspace.as_ref().map(|(_, _, t)| deps::Manifest::parse(t, None));
            let hints = deps::Manifest::parse(&text, ws_deps.as_ref()).hints();
            let folder = found.as_ref().map(|f| f.path.as_str()).unwrap_or("migrations");
            match deps::choose(&hints, folder) {
                deps::Choice::One { dialect, .. } => dialect,
                deps::Choice::None => Dialect::Postgres,
                deps::Choice::Ambiguous(found) => {
                    let candidates = found.iter().map(|(d, why)| format!("{d} ({})", why.join(", "))).collect::<Vec<_>>().join(", ");
                    return Err(format!(
                        "{shown_manifest}: its dependencies name several databases: {candidates}; set `dialect = \"…\"` in [package.metadata.migsafe]"
                    ));
                }
            }
        }
    };
    Ok(match found {
        Some(f) => (root.join(&f.path), f.shown, dialect),
        // Nothing names one and none exists: the error names the conventional folder.
        None => (manifest_dir.join("migrations"), "migrations".to_string(), dialect),
    })
}

/// `migrate!` / `embed_migrations!` calls in the package's code, with their
/// files: every `.rs` below its directory except tests/, benches/,
/// examples/, build output, hidden folders and nested packages (as `cargo migsafe` reads them).
fn embedded_in_code(manifest_dir: &Path) -> Vec<(Embedded, String)> {
    let mut out = Vec::new();
    let mut stack = vec![manifest_dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        let mut entries: Vec<_> = entries.filter_map(|e| e.ok()).collect();
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = entry.path();
            let top = d == manifest_dir;
            if path.is_dir() {
                let skipped = name.starts_with('.') || name == "target" || (top && matches!(name.as_str(), "tests" | "benches" | "examples"));
                if !skipped && !path.join("Cargo.toml").exists() {
                    stack.push(path);
                }
            } else if name.ends_with(".rs") {
                let Ok(text) = std::fs::read_to_string(&path) else { continue };
                if !(text.contains("migrate!") || text.contains("embed_migrations!")) {
                    continue;
                }
                let shown = path.strip_prefix(manifest_dir).unwrap_or(&path).display().to_string();
                out.extend(embedded_migrations(&text).into_iter().map(|e| (e, shown.clone())));
            }
        }
    }
    out
}

/// Every file below `dir` (hidden entries skipped), sorted, with size and mtime.
fn list(dir: &Path) -> std::io::Result<Fingerprint> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d)? {
            let entry = entry?;
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            let meta = std::fs::metadata(entry.path())?;
            if meta.is_dir() {
                stack.push(entry.path());
            } else if entry.path().extension().is_some_and(|e| e == "sql") {
                out.push((entry.path(), meta.len(), meta.modified().ok()));
            }
        }
    }
    out.sort();
    Ok(out)
}

/// The crate's migrations (shared), or why they cannot be listed.
pub fn schema() -> Arc<Result<Loaded, LoadError>> {
    let located = match locate() {
        Ok(l) => l,
        Err(e) => return Arc::new(Err(vec![e])),
    };
    let mut cache = cache().lock().unwrap_or_else(|e| e.into_inner());
    if let Some(entry) = cache.get(&located) {
        if entry.checked.elapsed() < RECHECK {
            return entry.loaded.clone();
        }
    }
    let fingerprint = match list(&located.dir) {
        Ok(f) => f,
        Err(e) => {
            let what = if located.dir.is_dir() { format!("cannot read the migrations folder `{}`: {e}", located.shown) } else { missing_folder(&located) };
            cache.remove(&located);
            return Arc::new(Err(vec![what]));
        }
    };
    if let Some(entry) = cache.get_mut(&located) {
        if entry.fingerprint == fingerprint {
            entry.checked = Instant::now();
            return entry.loaded.clone();
        }
    }
    let loaded = Arc::new(Ok(Loaded::new(located.clone(), fingerprint.clone())));
    cache.insert(located, Entry { checked: Instant::now(), fingerprint, loaded: loaded.clone() });
    loaded
}

fn missing_folder(l: &Located) -> String {
    let abs = l.dir.display().to_string();
    let looked = if abs == l.shown { String::new() } else { format!(" (looked in {abs})") };
    format!(
        "no migrations folder `{}`{looked}: set `migrations = \"…\"` under [package.metadata.migsafe] in Cargo.toml (relative to it), or MIGSAFE_MIGRATIONS_DIR",
        l.shown
    )
}

/// The schema after every migration, and how many of them were applied now:
/// when the disk cache holds the folder's schema after migrations that are,
/// in order and byte for byte, the first ones of the folder (a migration was
/// added), only the others are applied to it.
fn build(l: &Located, files: &Fingerprint, disk: Option<&Disk>) -> Result<(Schema, usize, Option<crate::carry::Carry>), LoadError> {
    let mut errors = Vec::new();
    let mut sources = Vec::new();
    for (path, _, _) in files {
        let rel = path.strip_prefix(&l.dir).unwrap_or(path);
        let rel = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect::<Vec<_>>().join("/");
        let shown = MigrationSource::new(l.shown.clone(), vec![]).display_path(&rel);
        match std::fs::read(path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => sources.push(SourceFile::new(rel, text)),
                Err(e) => {
                    let before = &e.as_bytes()[..e.utf8_error().valid_up_to()];
                    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
                    errors.push(format!("{shown}:{line}: this migration is not UTF-8 text"));
                }
            },
            Err(e) => errors.push(format!("{shown}: cannot read this migration: {e}")),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let src = MigrationSource::new(l.shown.clone(), sources);
    let message = |d: &migsafe_core::Diagnostic| format!("{}:{}: {}", d.location.file, d.location.line, d.message);
    let (migrations, found) = discover(&src);
    let stamps: Vec<u128> = migrations.iter().map(|m| crate::cache::stamp(&m.up)).collect();
    let cached =
        disk.and_then(|d| d.read_prefix()).filter(|p| !found.iter().any(|d| d.severity == migsafe_core::Severity::Error) && stamps.starts_with(&p.migrations));
    let (schema, applied, carry) = match cached {
        Some(prefix) => {
            let done = prefix.migrations.len();
            let passed = disk.map(|d| d.read_passed_of(&prefix)).unwrap_or_default();
            let old = (!passed.is_empty() && done < migrations.len()).then(|| prefix.schema.clone());
            let mut schema = prefix.schema;
            let mut errors = Vec::new();
            for m in &migrations[done..] {
                let (_, diags) = apply_script(&mut schema, &m.up);
                errors.extend(diags.iter().filter(|d| d.severity == migsafe_core::Severity::Error).map(message));
            }
            if !errors.is_empty() {
                return Err(errors);
            }
            let carry = old.and_then(|old| crate::carry::changed(&old, &schema)).map(|changed| crate::carry::Carry { passed, changed });
            (schema, migrations.len() - done, carry)
        }
        None => {
            let history = analyze(l.dialect, &src);
            let errors: Vec<String> = history.errors().map(message).collect();
            if !errors.is_empty() {
                return Err(errors);
            }
            (history.schema, migrations.len(), None)
        }
    };
    if let Some(d) = disk {
        d.write_prefix(&stamps, &schema);
    }
    Ok((schema, applied, carry))
}

/// Whether this is the first annotation in this compiler process (one crate)
/// to meet a configuration or migrations error: that one reports it, the
/// others stay quiet, so the error is printed once per crate, not once per
/// annotation (the crate fails to compile all the same).
pub fn first_load_error() -> bool {
    static REPORTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    !REPORTED.swap(true, Ordering::Relaxed)
}

impl Loaded {
    /// Whether the migration files still have to be `include_bytes!`d in this
    /// compiler process (once per folder is enough for cargo to track them).
    pub fn first_mention(&self) -> bool {
        !self.mentioned.swap(true, Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A package on disk from `(path, text)` pairs (an empty text under a `/`-ending path: a folder).
    fn package(name: &str, files: &[(&str, &str)]) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("migsafe-load-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for (p, t) in files {
            let path = dir.join(p);
            if p.ends_with('/') {
                std::fs::create_dir_all(&path).unwrap();
            } else {
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(path, t).unwrap();
            }
        }
        dir
    }

    /// The folder the macros read is the one `cargo migsafe` reads: before, the
    /// macros read `migrations/` whatever sqlx's `migrate!` named, and a
    /// `dialect` setting alone made them skip the code.
    #[test]
    fn the_folder_the_code_embeds_as_the_cli_finds_it() {
        let dir = package(
            "embed",
            &[
                ("Cargo.toml", "[package]\nname = \"svc\"\n[package.metadata.migsafe]\ndialect = \"sqlite\"\n"),
                ("src/main.rs", "static M: sqlx::migrate::Migrator = sqlx::migrate!(\"db/migrations\");\n"),
                ("tests/t.rs", "static M: sqlx::migrate::Migrator = sqlx::migrate!(\"other\");\n"),
                ("db/migrations/", ""),
                ("other/", ""),
            ],
        );
        let l = locate_uncached(Some(&dir.display().to_string()), None, None).unwrap();
        assert_eq!((l.dir.clone(), l.shown.as_str(), l.dialect), (dir.join("db/migrations"), "db/migrations", Dialect::Sqlite));
        // The environment still wins.
        let l = locate_uncached(Some(&dir.display().to_string()), Some("x"), Some("mysql")).unwrap();
        assert_eq!((l.dir, l.shown.as_str(), l.dialect), (dir.join("x"), "x", Dialect::Mysql));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// Before, the macros read a folder in PostgreSQL unless the settings named a dialect,
    /// while `cargo migsafe` read it in the dialect its dependencies name.
    #[test]
    fn without_a_dialect_setting_the_dependencies_choose_it_as_the_cli_does() {
        let dir = package(
            "deps",
            &[
                (
                    "Cargo.toml",
                    "[workspace]\nmembers = [\"lite\", \"both\", \"plain\"]\n[workspace.dependencies]\nsqlx = { version = \"0.8\", features = [\"sqlite\"] }\n",
                ),
                ("lite/Cargo.toml", "[package]\nname = \"lite\"\n[dependencies]\nsqlx = { workspace = true }\n"),
                ("lite/migrations/", ""),
                ("both/Cargo.toml", "[package]\nname = \"both\"\n[dependencies]\nrusqlite = \"0.31\"\nmysql = \"25\"\n"),
                ("both/migrations/", ""),
                ("plain/Cargo.toml", "[package]\nname = \"plain\"\n"),
                ("plain/migrations/", ""),
            ],
        );
        let at = |p: &str| locate_uncached(Some(&dir.join(p).display().to_string()), None, None);
        assert_eq!(at("lite").unwrap().dialect, Dialect::Sqlite);
        let Err(e) = at("both") else { panic!("two databases chose one") };
        assert!(e.contains("several databases") && e.contains("mysql") && e.contains("sqlite") && e.contains("dialect = "), "{e}");
        assert_eq!(at("plain").unwrap().dialect, Dialect::Postgres);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// Before, the macros took the nearest `[workspace]` above the package even when its
    /// `exclude` named the package (as this repository excludes `examples/`), and inherited its settings.
    #[test]
    fn an_excluded_package_inherits_nothing_from_the_workspace_above_it() {
        let dir = package(
            "excluded",
            &[
                (
                    "Cargo.toml",
                    "[workspace]\nmembers = [\"crates/*\"]\nexclude = [\"examples\"]\n[workspace.metadata.migsafe]\ndialect = \"mysql\"\nmigrations = \"db\"\n",
                ),
                ("db/", ""),
                ("crates/api/Cargo.toml", "[package]\nname = \"api\"\n"),
                ("examples/demo/Cargo.toml", "[package]\nname = \"demo\"\n"),
                ("examples/demo/migrations/", ""),
            ],
        );
        let l = locate_uncached(Some(&dir.join("crates/api").display().to_string()), None, None).unwrap();
        assert_eq!((l.dir, l.dialect), (dir.join("db"), Dialect::Mysql));
        let l = locate_uncached(Some(&dir.join("examples/demo").display().to_string()), None, None).unwrap();
        assert_eq!((l.dir, l.shown.as_str(), l.dialect), (dir.join("examples/demo/migrations"), "migrations", Dialect::Postgres));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn settings_then_the_workspace_folder_then_the_default() {
        let dir = package(
            "ws",
            &[
                ("Cargo.toml", "[workspace]\nmembers = [\"api\", \"cli\"]\n"),
                ("migrations/", ""),
                ("api/Cargo.toml", "[package]\nname = \"api\"\n"),
                ("cli/Cargo.toml", "[package]\nname = \"cli\"\n[package.metadata.migsafe]\nmigrations = \"./sql\"\n"),
            ],
        );
        let l = locate_uncached(Some(&dir.join("api").display().to_string()), None, None).unwrap();
        assert_eq!((l.dir, l.shown.as_str(), l.dialect), (dir.join("migrations"), "../migrations", Dialect::Postgres));
        let l = locate_uncached(Some(&dir.join("cli").display().to_string()), None, None).unwrap();
        assert_eq!((l.dir, l.shown.as_str()), (dir.join("cli/sql"), "./sql"));
        std::fs::remove_dir_all(dir.join("migrations")).unwrap();
        let l = locate_uncached(Some(&dir.join("api").display().to_string()), None, None).unwrap();
        assert_eq!((l.dir, l.shown.as_str()), (dir.join("api/migrations"), "migrations"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn an_added_migration_is_applied_to_the_cached_schema_and_gives_the_same_schema() {
        let dir = std::env::temp_dir().join(format!("migsafe-prefix-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let (migs, cache) = (dir.join("migrations"), dir.join("cache"));
        std::fs::create_dir_all(&migs).unwrap();
        std::fs::create_dir_all(&cache).unwrap();
        let disk = Disk::in_folder(&cache);
        let located = Located { dir: migs.clone(), shown: "migrations".into(), dialect: Dialect::Postgres };
        let write = |name: &str, text: &str| std::fs::write(migs.join(name), text).unwrap();
        let full = || {
            let fp = list(&migs).unwrap();
            let (schema, applied, _) = build(&located, &fp, None).unwrap();
            assert_eq!(applied, fp.len());
            format!("{schema:?}")
        };
        let cached = || {
            let (schema, applied, _) = build(&located, &list(&migs).unwrap(), Some(&disk)).unwrap();
            (format!("{schema:?}"), applied)
        };
        write("V1__t.sql", "CREATE TABLE t (id INT PRIMARY KEY, s TEXT);");
        write("V2__u.sql", "ALTER TABLE t ADD COLUMN u INT NOT NULL DEFAULT 0;");
        assert_eq!(cached(), (full(), 2));
        // A migration added: only it is applied, and the schema is the one a whole build gives.
        write("V3__v.sql", "ALTER TABLE t DROP COLUMN s;\nCREATE TYPE st AS ENUM ('a');\nALTER TABLE t ADD COLUMN st st;");
        assert_eq!(cached(), (full(), 1));
        // Nothing new: nothing applied.
        assert_eq!(cached(), (full(), 0));
        // An applied migration edited: not a prefix any more, everything again.
        write("V1__t.sql", "CREATE TABLE t (id BIGINT PRIMARY KEY, s TEXT);");
        assert_eq!(cached(), (full(), 3));
        // One inserted before the last: everything again.
        write("V2_5__w.sql", "ALTER TABLE t ADD COLUMN w INT;");
        assert_eq!(cached(), (full(), 4));
        // A statement the parser cannot read in an added migration is read on, with or without the cache.
        write("V4__x.sql", "ALTER TABLE t ADD COLUMN x INT;\nSELECT 'never closed;\n");
        assert_eq!(cached(), (full(), 1));
        // Added migrations the tool would refuse (two of one version): the same error as without the cache.
        write("V5__a.sql", "ALTER TABLE t ADD COLUMN a INT;");
        write("V5__b.sql", "ALTER TABLE t ADD COLUMN b INT;");
        let fp = list(&migs).unwrap();
        let errors = build(&located, &fp, None).unwrap_err();
        assert!(errors.iter().any(|e| e.contains("V5__")), "{errors:?}");
        assert_eq!(build(&located, &fp, Some(&disk)).unwrap_err(), errors);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
