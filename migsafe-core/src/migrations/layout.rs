//! Recognising sqlx, refinery, Flyway, diesel, dbmate and golang-migrate
//! layouts, ordering migrations as each tool does and pairing undo scripts.

use super::{Migration, MigrationSource, Script};
use crate::diag::{Diagnostic, Location};
use serde::Serialize;
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// The tool a migration file's name belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Layout {
    /// `<version>_<name>/up.sql` + `down.sql`.
    Diesel,
    /// `<version>_<name>.sql`, or `.up.sql` / `.down.sql` (sqlx and golang-migrate).
    Sqlx,
    /// `V<version>__<name>.sql` with Flyway's `U<version>__` undo and `R__` repeatables.
    Flyway,
    /// `<version>_<name>.sql` with `-- migrate:up` / `-- migrate:down` sections.
    Dbmate,
    /// `<version>_<name>.up.sql` / `.down.sql` run by golang-migrate (`tool = "golang-migrate"`).
    GolangMigrate,
}

/// The tool that runs a folder's migrations, when the configuration names it
/// (`tool = "golang-migrate"`): the names of its files are shared by tools
/// that run them differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tool {
    Sqlx,
    GolangMigrate,
    Diesel,
    Refinery,
    Flyway,
    Dbmate,
}

impl Tool {
    pub const ALL: [(&'static str, Tool); 6] = [
        ("sqlx", Tool::Sqlx),
        ("golang-migrate", Tool::GolangMigrate),
        ("diesel", Tool::Diesel),
        ("refinery", Tool::Refinery),
        ("flyway", Tool::Flyway),
        ("dbmate", Tool::Dbmate),
    ];
}

impl std::str::FromStr for Tool {
    type Err = String;
    fn from_str(s: &str) -> Result<Tool, String> {
        Tool::ALL
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(s))
            .map(|(_, t)| *t)
            .ok_or_else(|| format!("unknown migration tool `{s}`: expected one of {}", Tool::ALL.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")))
    }
}

/// How a migration's up script is run, with respect to transactions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TxMode {
    /// In one transaction (sqlx, diesel, dbmate, refinery by default).
    Wrapped,
    /// Outside any transaction (the tool's opt-out is set).
    Outside,
    /// Sent to the database as one query (golang-migrate): PostgreSQL runs a
    /// query of several statements in one implicit transaction, a query of
    /// one statement outside any.
    OneQuery,
    /// Flyway: outside a transaction when every statement needs that
    /// (CONCURRENTLY), else in one.
    OutsideWhenAllNeedIt,
    /// The names fit tools that differ and the configuration does not say
    /// which (refinery wraps each migration, Flyway does not for one of only
    /// CONCURRENTLY statements).
    Unknown,
}

/// Diesel's `metadata.toml` beside an `up.sql`: `run_in_transaction = false` opts out.
fn diesel_runs_in_transaction(metadata: Option<&str>) -> bool {
    let Some(text) = metadata else { return true };
    match toml_edit::ImDocument::parse(text) {
        Ok(t) => t.get("run_in_transaction").and_then(|v| v.as_bool()).unwrap_or(true),
        // diesel refuses a metadata.toml it cannot read; the migration is then not run at all.
        Err(_) => true,
    }
}

/// Files that may sit in a migrations folder without being migrations.
fn is_incidental(rel: &str) -> bool {
    let file = rel.rsplit('/').next().unwrap_or(rel);
    file.starts_with('.')
        || file.eq_ignore_ascii_case("README.md")
        || file.eq_ignore_ascii_case("README")
        || file == "metadata.toml"
        || file.ends_with(".md")
        || file.ends_with(".txt")
}

/// Order key: versioned migrations by numeric version parts, then Flyway's
/// repeatables by description.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Key {
    repeatable: bool,
    parts: Vec<u128>,
    text: String,
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

fn cmp_parts(a: &[u128], b: &[u128]) -> Ordering {
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

fn digits(s: &str) -> Option<u128> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Versions longer than u128 are not versions anyone writes; saturate.
    Some(s.parse().unwrap_or(u128::MAX))
}

struct Pending {
    key: Key,
    version: String,
    name: String,
    layout: Layout,
    up: Option<Script>,
    down: Option<Script>,
    id: String,
    /// dbmate's `-- migrate:up transaction:false`.
    dbmate_no_tx: bool,
}

/// Whose rules a folder follows, from the names in it (a folder holds one
/// tool's migrations): diesel when any `<version>_<name>/up.sql` is there,
/// Flyway / refinery when any `V<n>__<name>.sql` is, else the sqlx family
/// (sqlx, golang-migrate, dbmate).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Folder {
    Diesel,
    Flyway,
    Sqlx,
}

fn diesel_dir(dir: &str) -> bool {
    let ver = dir.split_once('_').map(|(v, _)| v).unwrap_or(dir);
    digits(&ver.chars().filter(|c| *c != '-').collect::<String>()).is_some()
}

fn folder_of(src: &MigrationSource) -> Folder {
    let rels = || src.files.iter().map(|f| f.path.trim_start_matches("./"));
    if rels().any(|r| matches!(r.split('/').collect::<Vec<_>>().as_slice(), [dir, "up.sql"] if diesel_dir(dir))) {
        Folder::Diesel
    } else if rels().any(|r| !r.contains('/') && matches!(classify_file(r), Some(FileKind::Flyway { .. }))) {
        Folder::Flyway
    } else {
        Folder::Sqlx
    }
}

/// Why the folder's tool does not read `parts` (a path split at `/`), if it does not.
fn ignored_by_tool(folder: Folder, parts: &[&str]) -> Option<&'static str> {
    match (folder, parts) {
        (Folder::Diesel, [_]) => Some("diesel reads only `<version>_<name>/` folders: this file beside them is ignored"),
        (Folder::Diesel, [_, "up.sql" | "down.sql"]) => None,
        (Folder::Diesel, _) => Some("diesel reads only `up.sql` and `down.sql` in a migration's folder: ignored"),
        (Folder::Flyway, [file]) if !matches!(classify_file(file), Some(FileKind::Flyway { .. })) => {
            Some("Flyway and refinery read only `V<n>__<name>.sql` (and `U<n>__`, `R__`) files: ignored")
        }
        _ => None,
    }
}

/// A second migration with a version the tool already has: an error naming both files.
fn duplicate(shown: &str, other: &str, version: &str, folder: Folder) -> Diagnostic {
    let (tool, same) = match folder {
        Folder::Flyway => ("Flyway and refinery refuse", " (Flyway reads V2, V02, V2.0 and V2_0 as one version)"),
        _ => ("sqlx, golang-migrate and dbmate refuse", ""),
    };
    Diagnostic::error(
        Location::new(shown, 1, 1),
        format!("{shown} has version {version}, as {other} has: {tool} two migrations with one version{same}; give one of them a new version"),
    )
}

/// Flyway's version identity: `2`, `02`, `2.0` and `2_0` are one version.
fn flyway_version_key(parts: &[u128]) -> String {
    let mut p = parts.to_vec();
    while p.len() > 1 && p.last() == Some(&0) {
        p.pop();
    }
    p.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(".")
}

/// Discover the migrations of `src`, in the order their tool applies them.
pub fn discover(src: &MigrationSource) -> (Vec<Migration>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut by_id: BTreeMap<String, Pending> = BTreeMap::new();
    let folder = folder_of(src);

    for f in &src.files {
        let rel = f.path.trim_start_matches("./");
        let shown = src.display_path(rel);
        if is_incidental(rel) {
            continue;
        }
        let parts: Vec<&str> = rel.split('/').collect();
        if let Some(why) = ignored_by_tool(folder, &parts) {
            diags.push(Diagnostic::note(Location::new(&shown, 1, 1), why));
            continue;
        }
        if f.text.contains('\0') {
            diags.push(Diagnostic::error(
                Location::new(&shown, 1, 1),
                "binary file in the migrations folder (it holds a NUL byte); migrations must be SQL text",
            ));
            continue;
        }
        if !rel.ends_with(".sql") {
            diags.push(Diagnostic::warning(Location::new(&shown, 1, 1), "not a .sql file: ignored (no migration tool migsafe knows runs it)"));
            continue;
        }
        // Flyway strips a UTF-8 byte order mark; the others hand it to the database, which
        // rejects it, so no applied migration keeps one that matters.
        let text = f.text.strip_prefix('\u{feff}').unwrap_or(&f.text);
        let script = |text: &str, first_line: u32| Script { path: shown.clone(), text: text.to_string(), first_line };
        match parts.as_slice() {
            // diesel: <version>_<name>/up.sql | down.sql
            [dir, file @ ("up.sql" | "down.sql")] => {
                let (ver, name) = dir.split_once('_').unwrap_or((dir, ""));
                let compact: String = ver.chars().filter(|c| *c != '-').collect();
                if digits(&compact).is_none() {
                    diags.push(unknown_name(&shown));
                    continue;
                }
                // diesel sorts versions as strings (`MigrationVersion(Cow<str>)`
                // derives `Ord`): `20240313` runs after `20240306170000`.
                let entry = by_id.entry(dir.to_string()).or_insert_with(|| Pending {
                    key: Key { repeatable: false, parts: vec![], text: compact.clone() },
                    version: ver.to_string(),
                    name: name.to_string(),
                    layout: Layout::Diesel,
                    up: None,
                    down: None,
                    id: format!("{dir}/up.sql"),
                    dbmate_no_tx: false,
                });
                if *file == "up.sql" {
                    entry.up = Some(script(text, 1));
                } else {
                    entry.down = Some(script(text, 1));
                }
            }
            [file] => {
                let Some(p) = classify_file(file) else {
                    diags.push(unknown_name(&shown));
                    continue;
                };
                match p {
                    FileKind::Flyway { version, parts, name, undo, repeatable } => {
                        let key_id = if repeatable { format!("R__{name}") } else { format!("V{}", flyway_version_key(&parts)) };
                        let fresh = |name: &str| Pending {
                            key: Key { repeatable, parts: parts.clone(), text: name.to_string() },
                            version: version.clone(),
                            name: name.to_string(),
                            layout: Layout::Flyway,
                            up: None,
                            down: None,
                            id: String::new(),
                            dbmate_no_tx: false,
                        };
                        let entry = by_id.entry(key_id.clone()).or_insert_with(|| fresh(&name));
                        let taken = if undo { entry.down.as_ref() } else { entry.up.as_ref() };
                        if let Some(other) = taken {
                            diags.push(duplicate(&shown, &other.path, &version, folder));
                            if undo {
                                continue;
                            }
                        }
                        // A duplicate up script is kept under its own entry: neither file's statements are hidden.
                        let entry = if taken.is_some() { by_id.entry(format!("{key_id}\0{rel}")).or_insert_with(|| fresh(&name)) } else { entry };
                        if undo {
                            entry.down = Some(script(text, 1));
                        } else {
                            entry.id = rel.to_string();
                            entry.name = name;
                            entry.up = Some(script(text, 1));
                        }
                    }
                    FileKind::Versioned { version, num, name, direction } => {
                        // sqlx and golang-migrate read the version as a number: `1` and `01` are one version.
                        let key_id = format!("{num:040}");
                        let fresh = || Pending {
                            key: Key { repeatable: false, parts: vec![num], text: version.clone() },
                            version: version.clone(),
                            name: name.clone(),
                            layout: if src.tool == Some(Tool::GolangMigrate) { Layout::GolangMigrate } else { Layout::Sqlx },
                            up: None,
                            down: None,
                            id: String::new(),
                            dbmate_no_tx: false,
                        };
                        let entry = by_id.entry(key_id.clone()).or_insert_with(fresh);
                        let down = matches!(direction, Direction::Down);
                        let taken = if down { entry.down.as_ref() } else { entry.up.as_ref() };
                        if let Some(other) = taken {
                            diags.push(duplicate(&shown, &other.path, &version, folder));
                            if down {
                                continue;
                            }
                        }
                        let entry = if taken.is_some() {
                            let e = by_id.entry(format!("{key_id}\0{rel}")).or_insert_with(fresh);
                            e.key.text = rel.to_string();
                            e
                        } else {
                            entry
                        };
                        match direction {
                            Direction::Up => {
                                entry.id = rel.to_string();
                                entry.up = Some(script(text, 1));
                            }
                            Direction::Down => entry.down = Some(script(text, 1)),
                            Direction::Simple => {
                                entry.id = rel.to_string();
                                if let Some((up, down)) = dbmate_sections(text) {
                                    entry.layout = Layout::Dbmate;
                                    entry.dbmate_no_tx = text.lines().any(|l| l.trim().starts_with("-- migrate:up") && l.contains("transaction:false"));
                                    entry.up = Some(script(&up.0, up.1));
                                    entry.down = down.map(|d| script(&d.0, d.1));
                                } else {
                                    entry.up = Some(script(text, 1));
                                }
                            }
                        }
                    }
                }
            }
            _ => diags.push(Diagnostic::warning(Location::new(&shown, 1, 1), "SQL file nested in a folder no migration tool reads: ignored")),
        }
    }

    // Diesel's `<dir>/metadata.toml` files, by folder (looked up once per migration).
    let metadata: std::collections::HashMap<&str, &str> =
        src.files.iter().filter_map(|f| Some((f.path.trim_start_matches("./").strip_suffix("metadata.toml")?, f.text.as_str()))).collect();
    let mut pending: Vec<Pending> = by_id.into_values().collect();
    pending.sort_by(|a, b| a.key.cmp(&b.key));
    let mut out = Vec::new();
    for p in pending {
        match p.up {
            Some(up) => {
                let transaction = match (p.layout, src.tool) {
                    (Layout::Sqlx, _) if up.text.trim_start().starts_with("-- no-transaction") => TxMode::Outside,
                    (Layout::Sqlx, _) => TxMode::Wrapped,
                    (Layout::GolangMigrate, _) => TxMode::OneQuery,
                    (Layout::Diesel, _) => {
                        let dir = p.id.trim_end_matches("up.sql");
                        if diesel_runs_in_transaction(metadata.get(dir).copied()) {
                            TxMode::Wrapped
                        } else {
                            TxMode::Outside
                        }
                    }
                    (Layout::Dbmate, _) if p.dbmate_no_tx => TxMode::Outside,
                    (Layout::Dbmate, _) => TxMode::Wrapped,
                    (Layout::Flyway, Some(Tool::Refinery)) => TxMode::Wrapped,
                    (Layout::Flyway, Some(Tool::Flyway)) => TxMode::OutsideWhenAllNeedIt,
                    (Layout::Flyway, _) => TxMode::Unknown,
                };
                out.push(Migration { id: p.id, version: p.version, name: p.name, layout: p.layout, transaction, up, down: p.down })
            }
            None => {
                let path = p.down.map(|d| d.path).unwrap_or_default();
                diags.push(Diagnostic::error(Location::new(path, 1, 1), "a down / undo script without its up migration"));
            }
        }
    }
    (out, diags)
}

fn unknown_name(shown: &str) -> Diagnostic {
    Diagnostic::error(
        Location::new(shown, 1, 1),
        "migration file name fits no known layout (sqlx `<version>_<name>.sql`, Flyway/refinery `V<n>__<name>.sql`, diesel `<version>_<name>/up.sql`, dbmate, golang-migrate `<n>_<name>.up.sql`)",
    )
}

enum Direction {
    Up,
    Down,
    Simple,
}

enum FileKind {
    Flyway { version: String, parts: Vec<u128>, name: String, undo: bool, repeatable: bool },
    Versioned { version: String, num: u128, name: String, direction: Direction },
}

fn classify_file(file: &str) -> Option<FileKind> {
    let stem = file.strip_suffix(".sql")?;
    // Flyway / refinery: V1__x, V1.2__x, V1_2__x, U1__x, R__x.
    let first = stem.chars().next()?;
    if matches!(first, 'V' | 'U' | 'R' | 'v' | 'u' | 'r') {
        if let Some((ver, name)) = stem[1..].split_once("__") {
            if first.eq_ignore_ascii_case(&'R') && ver.is_empty() {
                return Some(FileKind::Flyway { version: String::new(), parts: vec![], name: name.to_string(), undo: false, repeatable: true });
            }
            let parts: Option<Vec<u128>> = ver.split(['.', '_']).map(digits).collect();
            if let Some(parts) = parts {
                return Some(FileKind::Flyway {
                    version: ver.to_string(),
                    parts,
                    name: name.to_string(),
                    undo: first.eq_ignore_ascii_case(&'U'),
                    repeatable: false,
                });
            }
        }
    }
    // sqlx / golang-migrate / dbmate: <digits>_<name>[.up|.down].sql
    let (body, direction) = if let Some(b) = stem.strip_suffix(".up") {
        (b, Direction::Up)
    } else if let Some(b) = stem.strip_suffix(".down") {
        (b, Direction::Down)
    } else {
        (stem, Direction::Simple)
    };
    let (ver, name) = body.split_once('_').unwrap_or((body, ""));
    let num = digits(ver)?;
    Some(FileKind::Versioned { version: ver.to_string(), num, name: name.to_string(), direction })
}

type Section = (String, u32);

/// dbmate keeps both directions in one file behind `-- migrate:up` and
/// `-- migrate:down`. Returns the sections with their first lines.
fn dbmate_sections(text: &str) -> Option<(Section, Option<Section>)> {
    let mut up: Option<(String, u32)> = None;
    let mut down: Option<(String, u32)> = None;
    let mut cur: Option<bool> = None;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.starts_with("-- migrate:up") {
            cur = Some(true);
            up = Some((String::new(), i as u32 + 2));
            continue;
        }
        if t.starts_with("-- migrate:down") {
            cur = Some(false);
            down = Some((String::new(), i as u32 + 2));
            continue;
        }
        let target = match cur {
            Some(true) => up.as_mut(),
            Some(false) => down.as_mut(),
            None => None,
        };
        if let Some((buf, _)) = target {
            buf.push_str(line);
            buf.push('\n');
        }
    }
    let up = up?;
    let down = down.filter(|(d, _)| !d.trim().is_empty());
    Some((up, down))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migrations::SourceFile;

    fn ids(files: &[(&str, &str)]) -> (Vec<String>, Vec<Diagnostic>) {
        let src = MigrationSource::new("migrations", files.iter().map(|(p, t)| SourceFile::new(*p, *t)).collect());
        let (m, d) = discover(&src);
        (m.iter().map(|m| format!("{}{}", m.id, if m.down.is_some() { "+down" } else { "" })).collect(), d)
    }

    #[test]
    fn flyway_orders_numerically_and_pairs_undo() {
        let (m, d) = ids(&[
            ("V12__add_status.sql", "x"),
            ("V1__create_orders.sql", "x"),
            ("V2.1__x.sql", "x"),
            ("V2__y.sql", "x"),
            ("U12__drop_status.sql", "x"),
            ("R__views.sql", "x"),
        ]);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(m, ["V1__create_orders.sql", "V2__y.sql", "V2.1__x.sql", "V12__add_status.sql+down", "R__views.sql"]);
    }

    #[test]
    fn diesel_strips_dashes_and_pairs_down() {
        let (m, d) = ids(&[
            ("2024-02-13-110000_b/up.sql", "x"),
            ("2024-02-13-110000_b/down.sql", "x"),
            ("00000000000000_diesel_initial_setup/up.sql", "x"),
            ("2023-11-02-101500_a/up.sql", "x"),
        ]);
        assert!(d.is_empty());
        assert_eq!(m, ["00000000000000_diesel_initial_setup/up.sql", "2023-11-02-101500_a/up.sql", "2024-02-13-110000_b/up.sql+down"]);
    }

    #[test]
    fn diesel_orders_versions_as_strings() {
        // A short version sorts by its characters, not its value.
        let (m, d) = ids(&[
            ("2024-03-13_170000_c/up.sql", "x"),
            ("2024-03-06-170000_b/up.sql", "x"),
            ("2025-01-01-000000_d/up.sql", "x"),
            ("2023-01-01-000000_a/up.sql", "x"),
        ]);
        assert!(d.is_empty());
        assert_eq!(m, ["2023-01-01-000000_a/up.sql", "2024-03-06-170000_b/up.sql", "2024-03-13_170000_c/up.sql", "2025-01-01-000000_d/up.sql"]);
    }

    #[test]
    fn sqlx_reversible_golang_migrate_and_simple() {
        let (m, _) = ids(&[("20240220000000_t.down.sql", "x"), ("20240220000000_t.up.sql", "x"), ("20231201000000_i.sql", "x"), ("3_c.up.sql", "x")]);
        assert_eq!(m, ["3_c.up.sql", "20231201000000_i.sql", "20240220000000_t.up.sql+down"]);
    }

    #[test]
    fn dbmate_sections_keep_their_lines() {
        let src = MigrationSource::new(
            "db/migrations",
            vec![SourceFile::new("20240101_x.sql", "-- migrate:up\nCREATE TABLE a (id int);\n\n-- migrate:down\nDROP TABLE a;\n")],
        );
        let (m, d) = discover(&src);
        assert!(d.is_empty());
        assert_eq!(m[0].layout, Layout::Dbmate);
        assert_eq!(m[0].up.first_line, 2);
        let down = m[0].down.as_ref().unwrap();
        assert_eq!(down.first_line, 5);
        assert_eq!(down.text.trim(), "DROP TABLE a;");
        assert_eq!(down.path, "db/migrations/20240101_x.sql");
    }

    #[test]
    fn unknown_names_binary_files_and_orphan_undos_are_reported() {
        // A sqlx folder: sqlx refuses a `.sql` file it cannot read a version from.
        let (m, d) = ids(&[("create_users.sql", "x"), ("1_bin.sql", "a\0b"), ("2_x.down.sql", "x"), ("notes.md", "x")]);
        assert!(m.is_empty());
        let msgs: Vec<String> = d.iter().map(|d| d.to_string()).collect();
        assert_eq!(msgs.len(), 3, "{msgs:?}");
        assert!(msgs.iter().any(|m| m.starts_with("migrations/create_users.sql:1:1: error: migration file name fits no known layout")));
        assert!(msgs.iter().any(|m| m.contains("1_bin.sql") && m.contains("binary")));
        assert!(msgs.iter().any(|m| m.contains("2_x.down.sql") && m.contains("without its up")));
        // Flyway: the same, except that Flyway and refinery ignore a file not named as theirs.
        let (m, d) = ids(&[("create_users.sql", "x"), ("V1__bin.sql", "a\0b"), ("U3__x.sql", "x")]);
        assert!(m.is_empty());
        let msgs: Vec<String> = d.iter().map(|d| d.to_string()).collect();
        assert_eq!(msgs.len(), 3, "{msgs:?}");
        assert!(msgs.iter().any(|m| m.starts_with("migrations/create_users.sql:1:1: info: Flyway and refinery read only")), "{msgs:?}");
        assert!(msgs.iter().any(|m| m.contains("V1__bin.sql") && m.contains("binary")));
        assert!(msgs.iter().any(|m| m.contains("U3__x.sql") && m.contains("without its up")));
    }

    fn errors(d: &[Diagnostic]) -> Vec<String> {
        d.iter().filter(|d| d.severity == crate::Severity::Error).map(|d| d.to_string()).collect()
    }

    #[test]
    fn diesel_and_refinery_ignore_loose_files_and_say_so() {
        let (m, d) = ids(&[
            ("2024-01-01-000000_a/up.sql", "x"),
            ("2024-01-01-000000_a/down.sql", "x"),
            ("2024-01-01-000000_a/notes.sql", "x"),
            ("seed_data.sql", "INSERT INTO a VALUES (1);"),
            ("dump.bin", "\0"),
            ("README.md", "x"),
        ]);
        assert_eq!(m, ["2024-01-01-000000_a/up.sql+down"]);
        assert!(errors(&d).is_empty(), "{d:?}");
        let notes: Vec<String> = d.iter().map(|d| d.to_string()).collect();
        assert_eq!(notes.len(), 3, "{notes:?}");
        assert!(notes.iter().all(|n| n.contains(": info: diesel reads only")), "{notes:?}");
        let (m, d) = ids(&[("V1__a.sql", "x"), ("seed.sql", "x"), ("2_sqlx_style.sql", "x")]);
        assert_eq!(m, ["V1__a.sql"]);
        assert!(errors(&d).is_empty() && d.len() == 2, "{d:?}");
    }

    #[test]
    fn duplicate_versions_are_errors_naming_both_files_and_both_are_kept() {
        // Flyway: V2, V02, V2.0 and V2_0 are one version.
        let (m, d) = ids(&[("V1__a.sql", "x"), ("V2__b.sql", "x"), ("V02__c.sql", "x"), ("V2.0__d.sql", "x"), ("V2_0__e.sql", "x"), ("V2.1__f.sql", "x")]);
        assert_eq!(m.len(), 6, "{m:?}");
        let e = errors(&d);
        assert_eq!(e.len(), 3, "{e:?}");
        assert!(e.iter().all(|e| e.contains("migrations/V2__b.sql") && e.contains("Flyway and refinery refuse")), "{e:?}");
        assert!(e.iter().any(|e| e.starts_with("migrations/V02__c.sql:1:1: error:")), "{e:?}");
        let (_, d) = ids(&[("V2__a.sql", "x"), ("U2__a.sql", "x"), ("U2__b.sql", "x")]);
        assert_eq!(errors(&d).len(), 1, "{d:?}");
        // sqlx and golang-migrate: the version is a number.
        let (m, d) = ids(&[("1_a.sql", "DROP TABLE a;"), ("1_b.sql", "DROP TABLE b;")]);
        assert_eq!(m, ["1_a.sql", "1_b.sql"]);
        let e = errors(&d);
        assert_eq!(e.len(), 1);
        assert!(e[0].contains("migrations/1_b.sql") && e[0].contains("migrations/1_a.sql"), "{e:?}");
        let (m, d) = ids(&[("1_a.up.sql", "x"), ("1_a.down.sql", "x"), ("01_b.up.sql", "x"), ("01_b.down.sql", "x")]);
        assert_eq!(m.len(), 2, "{m:?}");
        assert_eq!(errors(&d).len(), 2, "{d:?}");
        // Up and down of one version are no duplicate; neither are diesel's folders.
        let (_, d) = ids(&[("1_a.up.sql", "x"), ("1_a.down.sql", "x"), ("2_b.sql", "x")]);
        assert!(d.is_empty(), "{d:?}");
    }

    #[test]
    fn a_byte_order_mark_is_stripped() {
        let src = MigrationSource::new("m", vec![SourceFile::new("V1__a.sql", "\u{feff}CREATE TABLE a (id int);")]);
        let (m, d) = discover(&src);
        assert!(d.is_empty());
        assert_eq!(m[0].up.text, "CREATE TABLE a (id int);");
    }
}
