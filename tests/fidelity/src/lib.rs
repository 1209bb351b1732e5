//! Fidelity tests for migsafe's schema model: every history under test is
//! applied on a real database engine and the catalog it builds is compared
//! with [`migsafe_core::schema::Schema::catalog`]. The tests live in
//! `tests/`; this library only does the file IO that `migsafe-core` leaves
//! to its callers.

use migsafe_core::migrations::{MigrationSource, SourceFile};
use std::io;
use std::path::{Path, PathBuf};

/// Tables that migration tools keep for their own bookkeeping: never part of
/// the compared schema.
pub const BOOKKEEPING_TABLES: &[&str] =
    &["__diesel_schema_migrations", "_sqlx_migrations", "flyway_schema_history", "schema_migrations", "refinery_schema_history"];

/// Read every file under `dir` (recursively) into a [`MigrationSource`],
/// with `/`-separated paths relative to `dir`, shown under `root`.
pub fn read_source(dir: &Path, root: &str) -> io::Result<MigrationSource> {
    let mut files = Vec::new();
    walk(dir, dir, &mut files)?;
    files.sort_by(|a: &SourceFile, b| a.path.cmp(&b.path));
    Ok(MigrationSource::new(root, files))
}

fn walk(base: &Path, dir: &Path, out: &mut Vec<SourceFile>) -> io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            walk(base, &path, out)?;
        } else {
            let rel = path.strip_prefix(base).expect("walked path is under its base");
            let rel = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect::<Vec<_>>().join("/");
            let text = std::fs::read_to_string(&path).map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
            out.push(SourceFile::new(rel, text));
        }
    }
    Ok(())
}

/// The shared corpus of real-world histories: `$MIGSAFE_CORPUS`, else
/// `<workspace>/../shared/corpus`. `None` (after saying so) when absent.
pub fn corpus_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("MIGSAFE_CORPUS") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus"),
    };
    if dir.is_dir() {
        Some(dir.canonicalize().unwrap_or(dir))
    } else {
        println!("corpus not found at {}, skipping", dir.display());
        None
    }
}

/// The hand-written histories of this crate.
pub fn histories_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("histories")
}
