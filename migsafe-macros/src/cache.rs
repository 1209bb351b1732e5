//! The schema, and the annotations that passed against it, cached on disk
//! across compiler processes.
//!
//! Every `cargo check` starts a new rustc, which loads the proc macro afresh:
//! without this cache each one would parse every migration again and every
//! query again. The cache lives next to the proc macro's own build, in
//! `<target>/<profile>/migsafe-cache/` (see [`build`] for how it is found
//! without `unsafe`; on platforms other than Linux there is no disk cache).
//! An entry's key is a 128-bit hash ([`Key`]) over an unambiguous byte encoding of:
//! - [`FORMAT`], the version of this cache's layout;
//! - the build of this proc macro (its shared library's path, size and
//!   modification time), so a new migsafe (or a new rustc) never reads an old
//!   entry, whatever its schema types look like;
//! - the dialect and the migrations folder, and each migration file's path,
//!   size and modification time, so an edited migration re-runs every check
//!   (metadata rather than the texts: a warm check then only lists the folder).
//!
//! Per key there are two files: `<key>.schema` (a [`FORMAT`] header, the
//! schema encoded with postcard from the core types' serde derives, and a
//! [`Key`] of it as checksum) and `<key>.passed` (16-byte hashes of the annotations that
//! resolved without a problem against that schema, see [`annotation_key`];
//! appended to, so concurrent compilers only add). A file that is missing,
//! truncated, corrupt or of another format is a miss: the schema is built
//! again, the annotation checked again. Nothing here is ever an error.
//! Entries not written to for two weeks are removed when a new schema is stored.
//!
//! Besides, per folder (a key without the files), `<folder key>.prefix` holds
//! the last schema built with a stamp of each migration it applied (a [`Key`]
//! of its up script's path, first line and text): when a migration is added after
//! them, only the new one is applied to that schema ([`Prefix`]); an applied
//! migration edited, removed or inserted before another means a whole build.

use migsafe_core::schema::Schema;
use std::collections::HashSet;
use std::fs::File;
use std::hash::{DefaultHasher, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The version of the cache's layout: the first bytes of every `.schema` file,
/// and hashed into every key. Bump it whenever what is stored changes meaning
/// (the build identity in the key changes anyway with every build).
const FORMAT: &[u8] = b"migsafe-schema-cache 5 postcard\n";
const MAX_AGE: Duration = Duration::from_secs(14 * 24 * 3600);
/// A `.passed` file larger than this (a million annotations) starts over.
const MAX_PASSED: u64 = 16 << 20;

/// A 128-bit hash over length-prefixed parts (so `("ab", "c")` and `("a", "bc")` differ).
///
/// Two SipHash-1-3 streams (std's `DefaultHasher`, told apart by a first
/// byte), not SHA-256: a proc macro and its dependencies are built without
/// optimization in the default dev profile, where sha2 took 15.5 ms to hash
/// 1,000 annotations of 250 bytes and SipHash 1.7 ms (and 14 ms vs 2.7 ms for
/// lemmy's 454 KB of migrations), and this runs in every `cargo check`. The
/// keys name entries of a cache private to the build (the inputs are the
/// service's own files), so they need no resistance to a chosen collision;
/// std's algorithm may change between Rust releases, but every key also
/// hashes the proc macro's own build, which a new rustc rebuilds.
struct Key(DefaultHasher, DefaultHasher);

impl Default for Key {
    fn default() -> Key {
        let (mut a, mut b) = (DefaultHasher::new(), DefaultHasher::new());
        a.write_u8(0xa5);
        b.write_u8(0x5a);
        Key(a, b)
    }
}

impl Key {
    fn part(&mut self, bytes: &[u8]) -> &mut Self {
        for h in [&mut self.0, &mut self.1] {
            h.write_u64(bytes.len() as u64);
            h.write(bytes);
        }
        self
    }
    fn path(&mut self, p: &Path) -> &mut Self {
        self.part(p.as_os_str().as_encoded_bytes())
    }
    fn num(&mut self, n: u128) -> &mut Self {
        self.part(&n.to_le_bytes())
    }
    fn finish(&self) -> u128 {
        (u128::from(self.0.finish()) << 64) | u128::from(self.1.finish())
    }
}

/// The checksum of a cache file's payload.
fn checksum(payload: &[u8]) -> [u8; 16] {
    Key::default().part(payload).finish().to_le_bytes()
}

/// What identifies an annotation's check: which macro it is and the text of
/// its input tokens. The declaration the parse phase reads (and so
/// `resolve_site`'s verdict against one schema) is a function of those alone;
/// the text is printed by the compiler, and hashing it costs less than
/// serializing the declaration in an unoptimized proc macro.
pub fn annotation_key(kind: &str, input: &str) -> u128 {
    Key::default().part(FORMAT).part(kind.as_bytes()).part(input.as_bytes()).finish()
}

fn nanos(t: Option<SystemTime>) -> u128 {
    t.and_then(|t| t.duration_since(UNIX_EPOCH).ok()).map(|d| d.as_nanos()).unwrap_or(0)
}

/// One schema's entry on disk.
pub struct Disk {
    /// The folder's last schema with the migrations it was built from
    /// (`<folder key>.prefix`): after a migration is added, only the new one
    /// is applied to it.
    prefix_path: PathBuf,
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
        let build = build()?;
        let mut key = Key::default();
        key.part(FORMAT).path(&build.library).num(build.len.into()).num(build.modified);
        key.part(dialect.as_bytes()).path(dir).part(shown.as_bytes());
        let folder_key = key.finish();
        key.num(files.len() as u128);
        for (path, len, mtime) in files {
            key.path(path).num((*len).into()).num(nanos(*mtime));
        }
        let key = key.finish();
        let _ = std::fs::create_dir_all(&build.folder);
        if !build.folder.is_dir() {
            return None;
        }
        Some(Disk {
            prefix_path: build.folder.join(format!("{folder_key:032x}.prefix")),
            schema_path: build.folder.join(format!("{key:032x}.schema")),
            passed_path: build.folder.join(format!("{key:032x}.passed")),
            append: Mutex::new(None),
        })
    }

    /// The stored schema, if there is an intact one of this format.
    pub fn read_schema(&self) -> Option<Schema> {
        read_checked(&self.schema_path)
    }

    /// Stores the schema (atomically: a reader sees the old file, none, or the whole new one).
    pub fn write_schema(&self, schema: &Schema) {
        write_checked(&self.schema_path, schema);
        if let Some(folder) = self.schema_path.parent() {
            remove_old(folder);
        }
    }

    /// An entry whose files are in `dir` (tests).
    #[cfg(test)]
    pub fn in_folder(dir: &Path) -> Disk {
        Disk { prefix_path: dir.join("f.prefix"), schema_path: dir.join("k.schema"), passed_path: dir.join("k.passed"), append: Mutex::new(None) }
    }

    /// The folder's last schema and the migrations it was built from, if intact.
    pub fn read_prefix(&self) -> Option<Prefix> {
        read_checked(&self.prefix_path)
    }

    /// Stores the folder's latest schema with the migrations it was built
    /// from, and this entry's `.passed` file (which holds the annotations that
    /// pass against that schema).
    pub fn write_prefix(&self, migrations: &[u128], schema: &Schema) {
        let passed = self.passed_path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        // Borrowed, encoded as postcard encodes [`Prefix`]'s fields: no copy of the schema.
        write_checked(&self.prefix_path, &(migrations, schema, passed));
    }

    /// The annotations that passed against a prefix's schema (its `.passed` file, beside this entry's).
    pub fn read_passed_of(&self, prefix: &Prefix) -> HashSet<u128> {
        let file = std::path::Path::new(&prefix.passed);
        match (self.passed_path.parent(), file.file_name()) {
            // Only a bare file name of this folder (the prefix file is ours, but never trusted with a path).
            (Some(folder), Some(name)) if name == file.as_os_str() => read_passed_file(&folder.join(name)),
            _ => HashSet::new(),
        }
    }

    /// The hashes of the annotations that passed against this schema.
    pub fn read_passed(&self) -> HashSet<u128> {
        read_passed_file(&self.passed_path)
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

/// A folder's schema and the migrations it was built from, in order.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct Prefix {
    /// Per migration: [`stamp`] of its up script.
    pub migrations: Vec<u128>,
    pub schema: Schema,
    /// The `.passed` file (a name in the cache folder) of the annotations that pass against `schema`.
    pub passed: String,
}

/// The annotation hashes of a `.passed` file.
fn read_passed_file(path: &Path) -> HashSet<u128> {
    let Ok(bytes) = std::fs::read(path) else { return HashSet::new() };
    if bytes.len() as u64 > MAX_PASSED {
        let _ = std::fs::remove_file(path);
        return HashSet::new();
    }
    // A torn last record (a concurrent append) is left out.
    bytes.chunks_exact(16).map(|c| u128::from_le_bytes(c.try_into().unwrap_or_default())).collect()
}

/// What identifies a migration's effect on the schema: its up script.
pub fn stamp(up: &migsafe_core::migrations::Script) -> u128 {
    Key::default().part(up.path.as_bytes()).num(up.first_line.into()).part(up.text.as_bytes()).finish()
}

/// A value of this format, checksummed: `None` when missing, of another
/// format, truncated or corrupt.
fn read_checked<T: serde::de::DeserializeOwned>(path: &Path) -> Option<T> {
    let bytes = std::fs::read(path).ok()?;
    let body = bytes.strip_prefix(FORMAT)?;
    let (payload, sum) = body.split_at(body.len().checked_sub(16)?);
    if checksum(payload) != sum {
        return None;
    }
    match postcard::take_from_bytes::<T>(payload) {
        Ok((value, [])) => Some(value),
        _ => None,
    }
}

/// Stores a value atomically: a reader sees the old file, none, or the whole new one.
fn write_checked<T: serde::Serialize>(path: &Path, value: &T) {
    let Ok(payload) = postcard::to_allocvec(value) else { return };
    let mut bytes = Vec::with_capacity(FORMAT.len() + payload.len() + 16);
    bytes.extend_from_slice(FORMAT);
    bytes.extend_from_slice(&payload);
    bytes.extend_from_slice(&checksum(&payload));
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    if std::fs::write(&tmp, &bytes).is_err() || std::fs::rename(&tmp, path).is_err() {
        let _ = std::fs::remove_file(&tmp);
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

/// This proc macro's build, and the cache folder that goes with it.
#[derive(Clone)]
struct Build {
    /// The shared library this code was loaded from.
    library: PathBuf,
    len: u64,
    modified: u128,
    /// `migsafe-cache` beside the library's `deps` folder.
    folder: PathBuf,
}

/// Which shared library this proc macro is, found without `unsafe`.
///
/// This used to call libc's `getuid` and `dladdr` through hand-declared FFI
/// (a private folder under the temp dir, and the library's path for the key).
/// Instead, the library is the file that `/proc/self/maps` (Linux) shows
/// mapped at the address of one of its functions: plain file reading, with the
/// same identity (path, size, modification time) as before. The cache lives
/// in the folder of that build (`<target>/<profile>/migsafe-cache`), which is
/// as private as the library the compiler runs, so no user id is needed (and
/// `cargo clean` clears it). A maintained FFI crate (libc, rustix, findshlibs)
/// would also do, but would add a dependency, or unsafe code in a dependency,
/// for two facts the kernel already gives as text. Elsewhere there is no disk
/// cache: the macros only redo the work each compiler process.
fn build() -> Option<Build> {
    static BUILD: std::sync::OnceLock<Option<Build>> = std::sync::OnceLock::new();
    BUILD.get_or_init(find_build).clone()
}

#[cfg(any(target_os = "linux", target_os = "android"))]
fn find_build() -> Option<Build> {
    let maps = std::fs::read_to_string("/proc/self/maps").ok()?;
    let library = mapped_file(&maps, find_build as fn() -> Option<Build> as usize)?;
    let meta = std::fs::metadata(&library).ok()?;
    // Not a library file (linked statically into something): no identity to key on.
    if !meta.is_file() {
        return None;
    }
    let dir = library.parent()?;
    let profile = if dir.file_name().is_some_and(|n| n == "deps") { dir.parent()? } else { dir };
    Some(Build { len: meta.len(), modified: nanos(meta.modified().ok()), folder: profile.join("migsafe-cache"), library })
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn find_build() -> Option<Build> {
    None
}

/// The file mapped at `addr`, from the text of `/proc/self/maps`
/// (`start-end perms offset dev inode path`, the path padded with spaces).
#[cfg_attr(not(any(target_os = "linux", target_os = "android", test)), allow(dead_code))]
fn mapped_file(maps: &str, addr: usize) -> Option<PathBuf> {
    maps.lines().find_map(|line| {
        let (range, mut rest) = line.split_once(' ')?;
        let (start, end) = range.split_once('-')?;
        let (start, end) = (usize::from_str_radix(start, 16).ok()?, usize::from_str_radix(end, 16).ok()?);
        if !(start <= addr && addr < end) {
            return None;
        }
        // perms, offset, dev, inode.
        for _ in 0..4 {
            rest = rest.trim_start().split_once(' ').map_or("", |(_, r)| r);
        }
        let path = rest.trim_start();
        // A replaced file (" (deleted)") or an anonymous mapping has no identity.
        (path.starts_with('/') && !path.ends_with(" (deleted)")).then(|| PathBuf::from(path))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use migsafe_core::migrations::{MigrationSource, SourceFile};
    use migsafe_core::Dialect;

    fn entry(dir: &Path) -> Disk {
        Disk { prefix_path: dir.join("f.prefix"), schema_path: dir.join("k.schema"), passed_path: dir.join("k.passed"), append: Mutex::new(None) }
    }

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("migsafe-cache-test-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn every_field_of_the_schema_survives_the_cache() {
        let src = MigrationSource::new(
            "m",
            vec![SourceFile::new(
                "1_t.sql",
                "CREATE DOMAIN d AS text;\nCREATE TYPE s AS ENUM ('a');\nCREATE TABLE t (id int PRIMARY KEY, c d, v varchar(10), n numeric(8, 2), s s);\n\
                 CREATE VIEW w AS SELECT id FROM t;\nCREATE INDEX i ON t (v);\nALTER TABLE t DROP COLUMN n;\nALTER TABLE t FROB COLUMN id;\n\
                 CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.v := 'x'; RETURN NEW; END $$;\n\
                 CREATE TRIGGER g BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION f();",
            )],
        );
        let schema = migsafe_core::schema::analyze(Dialect::Postgres, &src).schema;
        assert!(!schema.unread.is_empty() && !schema.removed.is_empty() && !schema.domains.is_empty());
        assert!(!schema.functions.is_empty() && !schema.insert_triggers.is_empty());
        let dir = temp("roundtrip");
        let disk = entry(&dir);
        disk.write_schema(&schema);
        let back = disk.read_schema().expect("reads back");
        // Debug prints every field: equal output means nothing was dropped.
        assert_eq!(format!("{back:?}"), format!("{schema:?}"));
        assert_eq!(back.unread_note("t"), schema.unread_note("t"));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn an_old_truncated_or_corrupt_entry_is_a_miss() {
        let schema = migsafe_core::schema::Schema::new(Dialect::Mysql);
        let dir = temp("corrupt");
        let disk = entry(&dir);
        disk.write_schema(&schema);
        let mut good = std::fs::read(&disk.schema_path).unwrap();
        assert!(disk.read_schema().is_some());
        // The previous format's header.
        let mut old = b"migsafe-schema-cache 2\n".to_vec();
        old.extend_from_slice(&good[FORMAT.len()..]);
        for bad in [
            old,
            good[..good.len() - 1].to_vec(),
            {
                good[FORMAT.len()] ^= 1;
                good
            },
            Vec::new(),
        ] {
            std::fs::write(&disk.schema_path, &bad).unwrap();
            assert!(disk.read_schema().is_none());
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn passed_annotations_are_read_back_without_a_torn_record() {
        let dir = temp("passed");
        let disk = entry(&dir);
        disk.add_passed(1);
        disk.add_passed(u128::MAX);
        let mut f = std::fs::OpenOptions::new().append(true).open(&disk.passed_path).unwrap();
        f.write_all(&[7; 5]).unwrap();
        assert_eq!(disk.read_passed(), HashSet::from([1, u128::MAX]));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_library_is_the_file_mapped_at_the_address() {
        let maps = "\
00400000-00452000 r-xp 00000000 08:02 173521      /usr/bin/rustc\n\
7f0000000000-7f0000001000 rw-p 00000000 00:00 0 \n\
7f0000001000-7f0000009000 r-xp 00001000 08:02 42          /work/my app/target/debug/deps/libmigsafe_macros-1.so\n\
7f0000009000-7f000000a000 r-xp 00000000 08:02 43          /tmp/old.so (deleted)\n";
        assert_eq!(mapped_file(maps, 0x7f0000001234), Some(PathBuf::from("/work/my app/target/debug/deps/libmigsafe_macros-1.so")));
        assert_eq!(mapped_file(maps, 0x00400000), Some(PathBuf::from("/usr/bin/rustc")));
        assert_eq!(mapped_file(maps, 0x7f0000000010), None);
        assert_eq!(mapped_file(maps, 0x7f0000009001), None);
        assert_eq!(mapped_file(maps, 0x10), None);
    }

    #[test]
    fn an_annotation_key_changes_with_the_macro_and_the_input() {
        assert_eq!(annotation_key("sql", "\"SELECT 1\""), annotation_key("sql", "\"SELECT 1\""));
        assert_ne!(annotation_key("sql", "\"SELECT 1\""), annotation_key("sql", "\"SELECT 2\""));
        assert_ne!(annotation_key("touches", "read(t.c)"), annotation_key("sql", "read(t.c)"));
        // Length-prefixed parts: moving a byte from one part to the other is another key.
        assert_ne!(annotation_key("ab", "c"), annotation_key("a", "bc"));
    }

    #[test]
    fn a_key_hashes_every_byte_of_every_part() {
        let text = "x".repeat(1000);
        let base = Key::default().part(text.as_bytes()).finish();
        for i in [0, 499, 999] {
            let mut other = text.clone().into_bytes();
            other[i] = b'y';
            assert_ne!(Key::default().part(&other).finish(), base, "byte {i}");
        }
        // Both halves of the 128 bits carry the input.
        let other = Key::default().part(b"y").finish();
        let one = Key::default().part(b"x").finish();
        assert_ne!(other >> 64, one >> 64);
        assert_ne!(other as u64, one as u64);
    }
}
