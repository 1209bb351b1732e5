//! Finding the crate's migrations and building their schema, once per
//! compiler process.
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
use migsafe_core::config::{read_manifest, resolve, Config};
use migsafe_core::migrations::{MigrationSource, SourceFile};
use migsafe_core::schema::{analyze, Schema};
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
            let built = build(&self.located, &self.fingerprint);
            if let (Ok(s), Some(d)) = (&built, &self.disk) {
                d.write_schema(s);
            }
            built
        })
    }

    /// Whether this annotation (see [`crate::cache::decl_key`]) already passed against this schema.
    pub fn passed(&self, key: u128) -> bool {
        self.passed.lock().unwrap_or_else(|e| e.into_inner()).contains(&key)
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
            None => manifest_config(&manifest_dir).ok().map(|c| c.dialect).unwrap_or(Dialect::Postgres),
        };
        return Ok(Located { dir: dir_abs, shown: dir.to_string(), dialect });
    }
    let config = manifest_config(&manifest_dir)?;
    Ok(Located { dir: manifest_dir.join(&config.migrations), shown: config.migrations, dialect: env_dialect.unwrap_or(config.dialect) })
}

/// `[package.metadata.migsafe]`, else the nearest workspace's `[workspace.metadata.migsafe]`, else the defaults.
fn manifest_config(manifest_dir: &Path) -> Result<Config, String> {
    let manifest = manifest_dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).map_err(|e| format!("cannot read {}: {e}", manifest.display()))?;
    let own = read_manifest(&manifest.display().to_string(), &text).map_err(|e| e.to_string())?;
    // The nearest manifest with a [workspace] table, this one included.
    let mut workspace = None;
    if own.members.is_some() {
        workspace = Some((own.workspace.clone(), ".".to_string()));
    } else {
        for dir in manifest_dir.ancestors().skip(1) {
            let m = dir.join("Cargo.toml");
            let Ok(text) = std::fs::read_to_string(&m) else { continue };
            let declared = read_manifest(&m.display().to_string(), &text).map_err(|e| e.to_string())?;
            if declared.members.is_some() {
                let rel = manifest_dir
                    .strip_prefix(dir)
                    .map(|r| r.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect::<Vec<_>>().join("/"))
                    .unwrap_or_default();
                workspace = Some((declared.workspace, if rel.is_empty() { ".".into() } else { rel }));
                break;
            }
        }
    }
    let (ws, rel) = match &workspace {
        Some((ws, rel)) => (ws.as_ref(), rel.as_str()),
        None => (None, "."),
    };
    Ok(resolve(own.package.as_ref(), ws, rel).map(|(c, _)| c).unwrap_or(Config { migrations: "migrations".into(), dialect: Dialect::Postgres }))
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

fn build(l: &Located, files: &Fingerprint) -> Result<Schema, LoadError> {
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
    let history = analyze(l.dialect, &MigrationSource::new(l.shown.clone(), sources));
    let errors: Vec<String> = history.errors().map(|d| format!("{}:{}: {}", d.location.file, d.location.line, d.message)).collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(history.schema)
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
