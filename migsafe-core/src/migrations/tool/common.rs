//! What the tools share: the order key, version digits, the files any
//! migrations folder may hold beside its migrations, and what a tool reads
//! from a file's name.

use std::cmp::Ordering;

/// Order key: versioned migrations by numeric version parts, then by text
/// (diesel's whole ordering is the text), then Flyway's repeatables by description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    pub repeatable: bool,
    pub parts: Vec<u128>,
    pub text: String,
}

impl Ord for Key {
    fn cmp(&self, other: &Self) -> Ordering {
        self.repeatable.cmp(&other.repeatable).then_with(|| cmp_parts(&self.parts, &other.parts)).then_with(|| self.text.cmp(&other.text))
    }
}
impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Version parts compared as numbers, a missing part as 0 (`2` = `2.0`).
pub fn cmp_parts(a: &[u128], b: &[u128]) -> Ordering {
    let n = a.len().max(b.len());
    for i in 0..n {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        match x.cmp(&y) {
            Ordering::Equal => continue,
            o => return o,
        }
    }
    Ordering::Equal
}

/// `s` as a number when it is only ASCII digits.
pub fn digits(s: &str) -> Option<u128> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Versions longer than u128 are not versions anyone writes; saturate.
    Some(s.parse().unwrap_or(u128::MAX))
}

/// Files that may sit in a migrations folder without being migrations.
pub fn is_incidental(rel: &str) -> bool {
    let file = rel.rsplit('/').next().unwrap_or(rel);
    file.starts_with('.')
        || file.eq_ignore_ascii_case("README.md")
        || file.eq_ignore_ascii_case("README")
        || file == "metadata.toml"
        || file.ends_with(".md")
        || file.ends_with(".txt")
}

/// Which half of a migration a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Half {
    Up,
    /// A down or undo script.
    Down,
    /// Both (dbmate's sections), or an up script without a down one (sqlx's `<version>_<name>.sql`).
    Whole,
}

/// A migration file's name as its tool reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    /// Files with one pair key are the halves of one migration; two up
    /// scripts with one key are two migrations with one version (an error).
    pub pair: String,
    /// Where the migration goes in the tool's order.
    pub key: Key,
    /// Where a second migration with the same version goes (both are kept, with an error).
    pub duplicate_key: Key,
    /// The version as written.
    pub version: String,
    pub name: String,
    pub half: Half,
}

/// One script of a file: its text and the line of the file it starts on.
pub type Section = (String, u32);

/// What the tool decides a migration's transaction mode from.
pub struct TxCx<'a, 'f> {
    /// The up script (a byte order mark stripped).
    pub up: &'a str,
    /// The whole file the up script is in (dbmate's markers are outside its sections).
    pub file: &'f str,
    /// The up file's path, relative to the folder.
    pub id: &'a str,
    /// Whether the configuration named this tool (or no other tool reads these names).
    pub configured: bool,
    /// Another file of the folder, by its path relative to the folder.
    pub sibling: &'a dyn Fn(&str) -> Option<&'f str>,
}
