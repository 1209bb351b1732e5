//! Loading one database of one revision: migrations applied, sources scanned.

use crate::project::{Database, Project};
use crate::tree::Tree;
use migsafe_core::check::RevisionInput;
use migsafe_core::migrations::{MigrationSource, SourceFile};
use migsafe_core::schema::{analyze, analyze_both, History};
use migsafe_core::sources::{scan_crate, CrateInfo, Files, Scan};
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
        if must_exist && db.folder_reason == crate::project::FROM_FLAG {
            // The flag's path is the manifest's directory's, not the selected package's.
            return Err(format!(
                "--migrations: the folder `{}` (from the repository's root) does not exist (or holds no files); the flag's path is relative to the directory of the manifest cargo migsafe runs on",
                db.migrations
            ));
        }
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
    Ok((MigrationSource::new(db.migrations.clone(), files).with_tool(db.tool), diags))
}

pub fn no_migrations(db: &Database) -> String {
    format!("{}: the migrations folder `{}` holds no migrations (no file in a layout migsafe knows)", db.configured_by, db.migrations)
}

/// Scans of a package's sources, shared by the two revisions of one run: a
/// package whose sources (and the files they read) are the same at N-1 and
/// N, as in a change that only adds migrations, is scanned once.
/// Shared by the databases checked in parallel: the lock is held only to
/// look up and to insert, never while scanning.
#[derive(Default)]
pub struct ScanCache {
    entries: std::sync::Mutex<HashMap<u64, (FilesRead, Scan)>>,
}

/// The other files a scan read, with their text (`None`: absent).
type FilesRead = Vec<(String, Option<String>)>;

impl ScanCache {
    fn scan(&self, tree: &Tree, files: &[(String, String)], info: &CrateInfo) -> Scan {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (files, &info.dir, &info.deps, info.dialect.map(|d| d.to_string())).hash(&mut h);
        let key = h.finish();
        let cached = self.entries.lock().ok().and_then(|e| e.get(&key).cloned());
        if let Some((reads, scan)) = cached {
            // The same files read (include_str!, query_file!) with the same text in this tree too.
            if reads.iter().all(|(p, t)| TreeFiles::read_from(tree, p) == *t) {
                return scan;
            }
        }
        let fs = TreeFiles { tree, reads: Default::default() };
        let scan = scan_crate(files, info, &fs);
        if let Ok(mut e) = self.entries.lock() {
            e.insert(key, (fs.reads.into_inner().unwrap_or_default(), scan.clone()));
        }
        scan
    }
}

pub fn load(tree: &Tree, project: &Project, db: &Database, sha: Option<String>, must_exist: bool, cache: &ScanCache) -> Result<Loaded, String> {
    let (src, diagnostics) = migrations(tree, db, must_exist)?;
    // The migrations and the sources are independent until the rules meet
    // them: the history is built on a second thread while this one scans the
    // sources (on two cores the scan costs next to nothing on top).
    let (history, scanned) = on_a_second_thread(|| analyze(db.dialect, &src), || scan_packages(tree, project, db, cache));
    let side = Side { tree, project, db, sha, must_exist };
    assemble(&side, src, diagnostics, history, scanned)
}

/// One revision's load from its parts: its migrations' texts (for snippets,
/// moved, not copied: the history holds its own) and diagnostics, the
/// history, and the scan of its sources.
fn assemble(
    side: &Side,
    mut src: MigrationSource,
    mut diagnostics: Vec<Diagnostic>,
    history: History,
    scanned: Result<Scanned, String>,
) -> Result<Loaded, String> {
    if side.must_exist && history.migrations.is_empty() && !history.has_errors() {
        return Err(no_migrations(side.db));
    }
    let mut texts: HashMap<String, String> = HashMap::with_capacity(src.files.len());
    for f in std::mem::take(&mut src.files) {
        texts.insert(src.display_path(&f.path), f.text);
    }
    diagnostics.extend(history.diagnostics.iter().cloned());
    let scanned = scanned?;
    texts.extend(scanned.texts);
    diagnostics.extend(scanned.diagnostics);
    Ok(Loaded { input: RevisionInput { sha: side.sha.clone(), history, sites: scanned.sites, contracts: scanned.contracts }, texts, diagnostics })
}

/// One revision of one database, to load.
pub struct Side<'a> {
    pub tree: &'a Tree,
    pub project: &'a Project,
    pub db: &'a Database,
    pub sha: Option<String>,
    /// Whether a missing migrations folder is an error (it is at N).
    pub must_exist: bool,
}

/// Load N and N-1 of one database together: N-1's applied migrations are
/// usually N's first ones, byte for byte, so they are parsed and applied once
/// ([`analyze_both`]); both histories are built on a second thread while this
/// one scans both revisions' sources. N's problems come first: an error
/// loading N is returned as such, N-1's is returned inside.
pub fn load_both(head: Side, base: Side, cache: &ScanCache) -> Result<(Loaded, Result<Loaded, String>), String> {
    let (head_src, head_diags) = migrations(head.tree, head.db, head.must_exist)?;
    let base_src = migrations(base.tree, base.db, base.must_exist);
    let dialect = head.db.dialect;
    let (histories, (head_scan, base_scan)) = on_a_second_thread(
        || match &base_src {
            Ok((b, _)) => {
                let (h, b) = analyze_both(dialect, &head_src, b);
                (h, Some(b))
            }
            Err(_) => (analyze(dialect, &head_src), None),
        },
        || {
            let h = scan_packages(head.tree, head.project, head.db, cache);
            let b = base_src.is_ok().then(|| scan_packages(base.tree, base.project, base.db, cache));
            (h, b)
        },
    );
    let (head_history, base_history) = histories;
    let n = assemble(&head, head_src, head_diags, head_history, head_scan)?;
    let n_1 = match (base_src, base_history, base_scan) {
        (Ok((src, diags)), Some(history), Some(scan)) => assemble(&base, src, diags, history, scan),
        (Err(e), _, _) => Err(e),
        _ => Err("internal error: N-1 was not loaded".to_string()),
    };
    Ok((n, n_1))
}

/// Run `background` on a second thread (with a deep stack: statement trees
/// can nest deeply) while `here` runs on this one; without a thread to be
/// had, one after the other.
fn on_a_second_thread<A: Send, B>(background: impl Fn() -> A + Sync, here: impl FnOnce() -> B) -> (A, B) {
    std::thread::scope(|s| {
        let worker = std::thread::Builder::new().name("migsafe-migrations".into()).stack_size(64 << 20).spawn_scoped(s, &background);
        let b = here();
        let a = match worker {
            Ok(w) => w.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            Err(_) => background(),
        };
        (a, b)
    })
}

/// What the scan of every package of a database found.
#[derive(Default)]
struct Scanned {
    sites: Vec<migsafe_core::annotations::Site>,
    /// The files that hold sites, with their text (for snippets).
    texts: Vec<(String, String)>,
    diagnostics: Vec<Diagnostic>,
    /// The event and payload contracts the packages declare.
    contracts: Vec<migsafe_core::contract::Contract>,
}

/// Scan every package of `db`.
fn scan_packages(tree: &Tree, project: &Project, db: &Database, cache: &ScanCache) -> Result<Scanned, String> {
    let Scanned { mut sites, mut texts, mut diagnostics, mut contracts } = Scanned::default();
    for pkg in &db.packages {
        let read = read_sources(tree, project, pkg, &mut diagnostics)?;
        let info = CrateInfo { dir: pkg.dir.clone(), deps: Some(pkg.deps.clone()), dialect: Some(db.dialect) };
        let mut scan = cache.scan(tree, &read, &info);
        let (found, unread) = migsafe_core::contract::read_crate_and_gaps(&read);
        unseen_contract_files(unread, &mut scan.sites, &mut scan.files);
        // The declaring files, for the snippets of the contract findings.
        texts.extend(read.into_iter().filter(|(path, _)| scan.files.contains(path) || declares(&found, path)));
        contracts.extend(found);
        sites.extend(scan.sites);
        diagnostics.extend(scan.diagnostics);
    }
    Ok(Scanned { sites, texts, diagnostics, contracts })
}

/// A package without a migrations folder, in one revision (`None`: not
/// there): only its event and payload contracts, and the files that declare
/// them, for the snippets. Its database queries are not read: there is no
/// schema to read them against.
pub fn contracts_only(tree: &Tree, project: &Project, pkg: Option<&crate::project::Package>, sha: Option<String>) -> Result<Loaded, String> {
    let mut diagnostics = Vec::new();
    let read = match pkg {
        Some(pkg) => read_sources(tree, project, pkg, &mut diagnostics)?,
        None => Vec::new(),
    };
    let (contracts, unread) = migsafe_core::contract::read_crate_and_gaps(&read);
    let (mut sites, mut files) = (Vec::new(), Vec::new());
    unseen_contract_files(unread, &mut sites, &mut files);
    let texts = read.into_iter().filter(|(path, _)| files.contains(path) || declares(&contracts, path)).collect();
    // No migrations: an empty history (its dialect is never read: no query is checked).
    let history = History {
        migrations: Vec::new(),
        schema: migsafe_core::schema::Schema::new(migsafe_core::Dialect::Postgres),
        events: Vec::new(),
        diagnostics: Vec::new(),
    };
    Ok(Loaded { input: RevisionInput { sha, history, sites, contracts }, texts, diagnostics })
}

/// A package's Rust sources in `tree`, with their text; a file that is not
/// UTF-8 is an error diagnostic.
fn read_sources(tree: &Tree, project: &Project, pkg: &crate::project::Package, diagnostics: &mut Vec<Diagnostic>) -> Result<Vec<(String, String)>, String> {
    let mut read = Vec::new();
    for (path, text) in tree.read_lossy(&project.sources(tree, pkg)).map_err(|e| e.to_string())? {
        match text {
            Some(t) => read.push((path, t)),
            None => diagnostics.push(Diagnostic::error(migsafe_core::Location::new(path, 1, 1), "not UTF-8 text")),
        }
    }
    Ok(read)
}

/// Whether `path` declares a type of one of `contracts` (its text is kept
/// for the snippets of the contract findings).
fn declares(contracts: &[migsafe_core::contract::Contract], path: &str) -> bool {
    contracts.iter().any(|c| c.types.values().any(|t| t.at.file == path))
}

/// A file that may declare an event or payload contract and could not be
/// read is an unseen site (as the scan makes of a file it cannot read),
/// unless the scan already made it one: its contracts are not checked.
fn unseen_contract_files(unread: Vec<migsafe_core::contract::Unread>, sites: &mut Vec<migsafe_core::annotations::Site>, files: &mut Vec<String>) {
    use migsafe_core::annotations::{Decl, Site, UnseenDecl};
    for u in unread {
        if sites.iter().any(|s| s.file == u.file && matches!(s.decl, Decl::Unseen(_))) {
            continue;
        }
        let reason = format!("{}: the event and payload contracts it may declare are not checked", u.reason);
        sites.push(Site {
            file: u.file.clone(),
            line: u.line,
            item: String::new(),
            source: migsafe_core::sources::SourceId::Annotation,
            decl: Decl::Unseen(UnseenDecl { call: "this file".into(), reason }),
        });
        if !files.contains(&u.file) {
            files.push(u.file);
        }
    }
}

/// The revision's other files (`include_str!`, `query_file!`), for the
/// footprint sources; it remembers what was read, for the [`ScanCache`].
struct TreeFiles<'t> {
    tree: &'t Tree,
    reads: std::sync::Mutex<FilesRead>,
}

impl TreeFiles<'_> {
    fn read_from(tree: &Tree, path: &str) -> Option<String> {
        if tree.exists(path) {
            tree.read_text(path).ok()
        } else {
            None
        }
    }
}

impl Files for TreeFiles<'_> {
    fn read(&self, path: &str) -> Option<String> {
        let text = Self::read_from(self.tree, path);
        if let Ok(mut r) = self.reads.lock() {
            r.push((path.to_string(), text.clone()));
        }
        text
    }
}
