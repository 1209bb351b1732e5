//! The schema, and the annotations that passed against it, cached on disk
//! across compiler processes.
//!
//! Every `cargo check` starts a new rustc, which loads the proc macro afresh:
//! without this cache each one would parse every migration again and every
//! query again. The cache lives in `<temp dir>/migsafe-schema-cache-<uid>`
//! (a private folder; on platforms other than Unix there is no disk cache).
//! An entry's key hashes:
//! - the build of this proc macro (its shared library's path, size and
//!   modification time), so a new migsafe (or a new rustc) never reads an old
//!   entry;
//! - the dialect and the migrations folder, and each migration file's path,
//!   size and modification time, so an edited migration re-runs every check.
//!
//! Per key there are two files: `<key>.schema` (the schema, [`crate::codec`],
//! followed by a checksum) and `<key>.passed` (16-byte hashes of the
//! annotations that resolved without a problem against that schema; appended
//! to, so concurrent compilers only add). A file that is missing, truncated or
//! corrupt is a miss: the schema is built again, the annotation checked again.
//! Nothing here is ever an error. Entries not written to for two weeks are
//! removed when a new schema is stored.

use crate::codec::{Codec, Reader};
use migsafe_core::schema::Schema;
use std::collections::HashSet;
use std::fs::File;
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Bumped whenever the encoding changes (the build id changes anyway).
const FORMAT: &[u8] = b"migsafe-schema-cache 2\n";
const MAX_AGE: Duration = Duration::from_secs(14 * 24 * 3600);
/// A `.passed` file larger than this (a million annotations) starts over.
const MAX_PASSED: u64 = 16 << 20;

/// A 128-bit hash (two SipHash runs with different prefixes).
pub fn hash128(feed: impl Fn(&mut std::hash::DefaultHasher)) -> u128 {
    let half = |salt: u8| {
        let mut h = std::hash::DefaultHasher::new();
        salt.hash(&mut h);
        feed(&mut h);
        h.finish()
    };
    (u128::from(half(1)) << 64) | u128::from(half(2))
}

fn nanos(t: Option<SystemTime>) -> u128 {
    t.and_then(|t| t.duration_since(UNIX_EPOCH).ok()).map(|d| d.as_nanos()).unwrap_or(0)
}

/// One schema's entry on disk.
pub struct Disk {
    schema_path: PathBuf,
    passed_path: PathBuf,
    /// The `.passed` file, opened for appending on first use.
    append: Mutex<Option<File>>,
}

impl Disk {
    /// The entry for these migrations, or `None` when there is no usable cache folder.
    pub fn new(dialect: &str, dir: &Path, shown: &str, files: &[(PathBuf, u64, Option<SystemTime>)]) -> Option<Disk> {
        if std::env::var_os("MIGSAFE_NO_CACHE").is_some_and(|v| !v.is_empty()) {
            return None;
        }
        let build = build_id()?;
        let folder = folder()?;
        let key = hash128(|h| {
            FORMAT.hash(h);
            build.hash(h);
            dialect.hash(h);
            dir.hash(h);
            shown.hash(h);
            for (path, len, mtime) in files {
                path.hash(h);
                len.hash(h);
                nanos(*mtime).hash(h);
            }
        });
        Some(Disk { schema_path: folder.join(format!("{key:032x}.schema")), passed_path: folder.join(format!("{key:032x}.passed")), append: Mutex::new(None) })
    }

    /// The stored schema, if there is an intact one.
    pub fn read_schema(&self) -> Option<Schema> {
        let bytes = std::fs::read(&self.schema_path).ok()?;
        let body = bytes.strip_prefix(FORMAT)?;
        let (payload, sum) = body.split_at(body.len().checked_sub(16)?);
        if hash128(|h| payload.hash(h)).to_le_bytes() != sum {
            return None;
        }
        let mut r = Reader::new(payload);
        let schema = Schema::get(&mut r)?;
        r.is_empty().then_some(schema)
    }

    /// Stores the schema (atomically: a reader sees the old file, none, or the whole new one).
    pub fn write_schema(&self, schema: &Schema) {
        let mut payload = Vec::with_capacity(1 << 18);
        schema.put(&mut payload);
        let mut bytes = Vec::with_capacity(FORMAT.len() + payload.len() + 16);
        bytes.extend_from_slice(FORMAT);
        bytes.extend_from_slice(&payload);
        bytes.extend_from_slice(&hash128(|h| payload.hash(h)).to_le_bytes());
        let tmp = self.schema_path.with_extension(format!("tmp{}", std::process::id()));
        if std::fs::write(&tmp, &bytes).is_err() || std::fs::rename(&tmp, &self.schema_path).is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        if let Some(folder) = self.schema_path.parent() {
            remove_old(folder);
        }
    }

    /// The hashes of the annotations that passed against this schema.
    pub fn read_passed(&self) -> HashSet<u128> {
        let Ok(bytes) = std::fs::read(&self.passed_path) else { return HashSet::new() };
        if bytes.len() as u64 > MAX_PASSED {
            let _ = std::fs::remove_file(&self.passed_path);
            return HashSet::new();
        }
        // A torn last record (a concurrent append) is left out.
        bytes.chunks_exact(16).map(|c| u128::from_le_bytes(c.try_into().unwrap_or_default())).collect()
    }

    /// Records that an annotation passed (one `write` of 16 bytes in append mode).
    pub fn add_passed(&self, key: u128) {
        let mut file = self.append.lock().unwrap_or_else(|e| e.into_inner());
        if file.is_none() {
            *file = std::fs::OpenOptions::new().append(true).create(true).open(&self.passed_path).ok();
        }
        if let Some(f) = file.as_mut() {
            if f.write_all(&key.to_le_bytes()).is_err() {
                *file = None;
            }
        }
    }
}

/// Removes the entries of the cache folder not modified for [`MAX_AGE`].
fn remove_old(folder: &Path) {
    let Ok(entries) = std::fs::read_dir(folder) else { return };
    let now = SystemTime::now();
    for e in entries.flatten() {
        let old = e.metadata().ok().and_then(|m| m.modified().ok()).and_then(|t| now.duration_since(t).ok()).is_some_and(|age| age > MAX_AGE);
        if old {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// `<temp dir>/migsafe-schema-cache-<uid>`, created private to this user; `None`
/// if it cannot be created or is not private (another user could plant entries).
#[cfg(unix)]
fn folder() -> Option<PathBuf> {
    use std::os::unix::fs::{DirBuilderExt, MetadataExt};
    extern "C" {
        fn getuid() -> u32;
    }
    // SAFETY: getuid has no preconditions and cannot fail.
    let uid = unsafe { getuid() };
    let dir = std::env::temp_dir().join(format!("migsafe-schema-cache-{uid}"));
    let _ = std::fs::DirBuilder::new().mode(0o700).create(&dir);
    let meta = std::fs::symlink_metadata(&dir).ok()?;
    (meta.is_dir() && meta.uid() == uid && meta.mode() & 0o022 == 0).then_some(dir)
}

#[cfg(not(unix))]
fn folder() -> Option<PathBuf> {
    None
}

/// This proc macro's build: the path, size and modification time of the
/// shared library it was loaded from.
#[cfg(unix)]
fn build_id() -> Option<(PathBuf, u64, u128)> {
    use std::ffi::{c_char, c_int, c_void, CStr, OsStr};
    use std::os::unix::ffi::OsStrExt;
    #[repr(C)]
    struct DlInfo {
        dli_fname: *const c_char,
        dli_fbase: *mut c_void,
        dli_sname: *const c_char,
        dli_saddr: *mut c_void,
    }
    extern "C" {
        fn dladdr(addr: *const c_void, info: *mut DlInfo) -> c_int;
    }
    static ID: std::sync::OnceLock<Option<(PathBuf, u64, u128)>> = std::sync::OnceLock::new();
    ID.get_or_init(|| {
        let mut info = DlInfo { dli_fname: std::ptr::null(), dli_fbase: std::ptr::null_mut(), dli_sname: std::ptr::null(), dli_saddr: std::ptr::null_mut() };
        // SAFETY: dladdr only reads the address and fills `info`; the name it
        // returns lives as long as the library stays loaded (it is: we are in it).
        let path = unsafe {
            if dladdr(build_id as *const c_void, &mut info) == 0 || info.dli_fname.is_null() {
                return None;
            }
            PathBuf::from(OsStr::from_bytes(CStr::from_ptr(info.dli_fname).to_bytes()))
        };
        let meta = std::fs::metadata(&path).ok()?;
        // Not a library file (linked statically into something): no identity to key on.
        if !meta.is_file() {
            return None;
        }
        Some((path, meta.len(), nanos(meta.modified().ok())))
    })
    .clone()
}

#[cfg(not(unix))]
fn build_id() -> Option<(PathBuf, u64, u128)> {
    None
}
