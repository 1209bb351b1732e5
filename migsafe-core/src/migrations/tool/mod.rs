//! The migration tools: one file each, in one registry ([`TOOLS`]), and the
//! discovery that asks them.
//!
//! A tool says which folders are in its shape, which files of such a folder
//! it ignores, how it reads a file's name (version, description, up or
//! down), how it orders versions, how it splits a file into up and down, and
//! how it runs each migration with respect to transactions. [`discover`]
//! does the rest the same way for every tool: pairing up and down scripts,
//! refusing duplicate versions, and reporting what fits no tool.
//!
//! Adding a tool: its file here (with its `mod` line) and a line in
//! [`TOOLS`]; its id is the `tool = "…"` config value and its layout's
//! name. The registry test checks the rest.

mod common;
mod dbmate;
mod diesel;
mod flyway;
mod golang_migrate;
mod refinery;
mod sqlx;

use self::common::{is_incidental, Half, Key, Name, Section, TxCx};
use super::{Migration, MigrationSource, Script};
use crate::diag::{Diagnostic, Location};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// The layout of a migration's files: the name of the tool whose file names
/// they are in (`sqlx`, `diesel`, `flyway`, `dbmate`, `golang-migrate`), as
/// reports show it. Each tool's file sets its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Layout(pub &'static str);

/// The tool that runs a folder's migrations: a handle on its entry in
/// [`TOOLS`], compared by id. The configuration names it (`tool =
/// "golang-migrate"`) where file names are shared by tools that run them
/// differently.
#[derive(Clone, Copy)]
pub struct Tool(&'static MigrationTool);

impl Tool {
    /// Its entry in [`TOOLS`].
    pub fn def(self) -> &'static MigrationTool {
        self.0
    }

    /// The name the configuration gives it (`tool = "golang-migrate"`).
    pub fn id(self) -> &'static str {
        self.0.id
    }

    /// The registered tool of this id (exactly as the registry spells it).
    pub fn named(id: &str) -> Option<Tool> {
        TOOLS.iter().copied().find(|t| t.id == id).map(MigrationTool::tool)
    }
}

impl PartialEq for Tool {
    fn eq(&self, other: &Tool) -> bool {
        self.0.id == other.0.id
    }
}

impl Eq for Tool {}

impl std::fmt::Debug for Tool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Tool({})", self.0.id)
    }
}

impl Serialize for Tool {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.id)
    }
}

impl std::str::FromStr for Tool {
    type Err = String;
    fn from_str(s: &str) -> Result<Tool, String> {
        TOOLS.iter().copied().find(|t| t.id.eq_ignore_ascii_case(s)).map(MigrationTool::tool).ok_or_else(|| {
            let mut ids: Vec<&str> = TOOLS.iter().map(|t| t.id).collect();
            ids.sort_unstable();
            format!("unknown migration tool `{s}`: expected one of {}", ids.join(", "))
        })
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

/// One migration tool: data plus functions, like a rule.
pub struct MigrationTool {
    /// Its name in the configuration (`tool = "…"`) and in messages.
    pub id: &'static str,
    /// The layout its migrations are reported with.
    pub layout: Layout,
    /// The id of the tool whose file names it reads (its own, or the tool's
    /// it shares them with): a folder is read by the first tool in [`TOOLS`]
    /// that claims it, or by the configured one among those that read the same names.
    pub names: &'static str,
    /// Whether a folder (the paths of its files, relative to it) is in its shape.
    pub claims_folder: fn(&[&str]) -> bool,
    /// Whether a file is its own whichever tool of its names the folder has
    /// (dbmate's `-- migrate:up` in a sqlx folder).
    pub claims_file: fn(&[&str], &str) -> bool,
    /// Whether `tool = "…"` makes it the folder's tool; not for a tool whose
    /// files say they are its (dbmate): its files are its, the others the first reader's.
    pub configurable: bool,
    /// Why it ignores a file of a folder in its shape (the path split at `/`), if it does.
    pub ignores: fn(&[&str]) -> Option<&'static str>,
    /// A file's name (split at `/`) as it reads it, if it reads it.
    pub parse: fn(&[&str]) -> Option<Name>,
    /// A [`Half::Whole`] file's up script and down script, with their first lines.
    pub halves: fn(&str) -> (Section, Option<Section>),
    /// How it runs a migration's up script.
    pub transaction: fn(&TxCx) -> TxMode,
    /// Why a migration of its runs in a transaction (when it does), and how it opts out.
    pub wraps: &'static str,
    /// How to run one statement (a CONCURRENTLY index) outside a transaction.
    pub run_outside: &'static str,
    /// Who refuses two migrations with one version, and what counts as one version (for the error).
    pub refuses: (&'static str, &'static str),
    /// A folder of its (for the registry test): `(path, text)`.
    pub example: &'static [(&'static str, &'static str)],
}

impl MigrationTool {
    /// The handle on this registered tool.
    pub fn tool(&'static self) -> Tool {
        Tool(self)
    }
}

/// Every migration tool, in the order they claim folders: a tool whose
/// shape is more particular comes before one that takes any folder (sqlx).
pub static TOOLS: &[&MigrationTool] = &[&diesel::DIESEL, &flyway::FLYWAY, &refinery::REFINERY, &sqlx::SQLX, &golang_migrate::GOLANG_MIGRATE, &dbmate::DBMATE];

/// A whole file as its up script, without a down one.
pub(crate) fn whole(text: &str) -> (Section, Option<Section>) {
    ((text.to_string(), 1), None)
}

/// No file is this tool's unless the folder is.
pub(crate) fn no_file(_: &[&str], _: &str) -> bool {
    false
}

/// The folder's tool and the tools that read the same names (the first is the folder's).
fn folder_tools(rels: &[&str], configured: Option<Tool>) -> (&'static MigrationTool, Vec<&'static MigrationTool>) {
    let first = TOOLS.iter().copied().find(|t| (t.claims_folder)(rels)).unwrap_or(&sqlx::SQLX);
    let family: Vec<&'static MigrationTool> = TOOLS.iter().copied().filter(|t| t.names == first.names).collect();
    let tool = family.iter().copied().find(|t| configured.is_some_and(|c| c.def().id == t.id) && t.configurable).unwrap_or(first);
    (tool, family)
}

struct Pending<'a> {
    key: Key,
    version: String,
    name: String,
    tool: &'static MigrationTool,
    up: Option<Script>,
    down: Option<Script>,
    id: String,
    /// The whole file the up script is in.
    up_file: &'a str,
}

/// Discover the migrations of `src`, in the order their tool applies them.
pub fn discover(src: &MigrationSource) -> (Vec<Migration>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut by_pair: BTreeMap<String, Pending> = BTreeMap::new();
    let rels: Vec<&str> = src.files.iter().map(|f| f.path.trim_start_matches("./")).collect();
    let (folder_tool, family) = folder_tools(&rels, src.tool);

    for (f, rel) in src.files.iter().zip(rels.iter().copied()) {
        let shown = src.display_path(rel);
        if is_incidental(rel) {
            continue;
        }
        let parts: Vec<&str> = rel.split('/').collect();
        if let Some(why) = (folder_tool.ignores)(&parts) {
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
        let tool = family.iter().copied().find(|t| (t.claims_file)(&parts, text)).unwrap_or(folder_tool);
        // A name only another tool reads (a lone diesel `down.sql`) is read as that tool's, to say what it lacks.
        let parsed = (tool.parse)(&parts).map(|n| (tool, n)).or_else(|| TOOLS.iter().find_map(|t| (t.parse)(&parts).map(|n| (*t, n))));
        let Some((tool, n)) = parsed else {
            match parts.as_slice() {
                [_] | [_, "up.sql" | "down.sql"] => diags.push(unknown_name(&shown)),
                _ => diags.push(Diagnostic::warning(Location::new(&shown, 1, 1), "SQL file nested in a folder no migration tool reads: ignored")),
            }
            continue;
        };
        let script = |(text, first_line): Section| Script { path: shown.clone(), text, first_line };
        let fresh = |key: Key| Pending { key, version: n.version.clone(), name: n.name.clone(), tool, up: None, down: None, id: String::new(), up_file: "" };
        let entry = by_pair.entry(n.pair.clone()).or_insert_with(|| fresh(n.key.clone()));
        let taken = if n.half == Half::Down { entry.down.as_ref() } else { entry.up.as_ref() };
        if let Some(other) = taken {
            let (who, same) = folder_tool.refuses;
            diags.push(Diagnostic::error(
                Location::new(&shown, 1, 1),
                format!(
                    "{shown} has version {}, as {} has: {who} two migrations with one version{same}; give one of them a new version",
                    n.version, other.path
                ),
            ));
            if n.half == Half::Down {
                continue;
            }
        }
        // A duplicate up script is kept under its own entry: neither file's statements are hidden.
        let entry = if taken.is_some() { by_pair.entry(format!("{}\0{rel}", n.pair)).or_insert_with(|| fresh(n.duplicate_key.clone())) } else { entry };
        match n.half {
            Half::Down => entry.down = Some(script((text.to_string(), 1))),
            Half::Up | Half::Whole => {
                let (up, down) = if n.half == Half::Up { ((text.to_string(), 1), None) } else { (tool.halves)(text) };
                entry.id = rel.to_string();
                entry.name = n.name.clone();
                entry.tool = tool;
                entry.up_file = text;
                entry.up = Some(script(up));
                if let Some(down) = down {
                    entry.down = Some(script(down));
                }
            }
        }
    }

    let by_path: HashMap<&str, &str> = src.files.iter().zip(rels.iter()).map(|(f, rel)| (*rel, f.text.as_str())).collect();
    let sibling = |rel: &str| by_path.get(rel).copied();
    let mut pending: Vec<Pending> = by_pair.into_values().collect();
    pending.sort_by(|a, b| a.key.cmp(&b.key));
    let mut out = Vec::new();
    for p in pending {
        match p.up {
            Some(up) => {
                let configured = family.len() == 1 || src.tool == Some(p.tool.tool());
                let transaction = (p.tool.transaction)(&TxCx { up: &up.text, file: p.up_file, id: &p.id, configured, sibling: &sibling });
                out.push(Migration { id: p.id, version: p.version, name: p.name, layout: p.tool.layout, tool: p.tool.tool(), transaction, up, down: p.down })
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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::migrations::SourceFile;

    pub(crate) fn ids(files: &[(&str, &str)]) -> (Vec<String>, Vec<Diagnostic>) {
        let src = MigrationSource::new("migrations", files.iter().map(|(p, t)| SourceFile::new(*p, *t)).collect());
        let (m, d) = discover(&src);
        (m.iter().map(|m| format!("{}{}", m.id, if m.down.is_some() { "+down" } else { "" })).collect(), d)
    }

    pub(crate) fn errors(d: &[Diagnostic]) -> Vec<String> {
        d.iter().filter(|d| d.severity == crate::Severity::Error).map(|d| d.to_string()).collect()
    }

    fn example(t: &MigrationTool, tool: Option<Tool>) -> (Vec<Migration>, Vec<Diagnostic>) {
        discover(&MigrationSource::new("m", t.example.iter().map(|(p, x)| SourceFile::new(*p, *x)).collect()).with_tool(tool))
    }

    #[test]
    fn the_registry_holds_every_tool_once_and_each_reads_its_own_folder() {
        // Every tool file of this folder is registered (its id is its file name, kebab-cased), once.
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/migrations/tool");
        let mut files: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter_map(|f| f.strip_suffix(".rs").map(|s| s.replace('_', "-")))
            .filter(|f| f != "mod" && f != "common")
            .collect();
        files.sort();
        let mut ids: Vec<&str> = TOOLS.iter().map(|t| t.id).collect();
        ids.sort();
        assert_eq!(ids, files, "each file of migrations/tool is one tool of TOOLS, named as its file");
        for t in TOOLS {
            let tool = t.tool();
            assert_eq!(t.id.parse::<Tool>(), Ok(tool));
            assert_eq!(Tool::named(t.id), Some(tool));
            assert!(std::ptr::eq(tool.def(), *t));
            let rels: Vec<&str> = t.example.iter().map(|(p, _)| *p).collect();
            assert!(!rels.is_empty() && (t.claims_folder)(&rels), "{} does not claim its example", t.id);
            // Detection: the first claimant reads the same names, so only the configuration tells them apart.
            let (first, family) = folder_tools(&rels, None);
            assert_eq!(first.names, t.names, "{}'s example is taken by {}", t.id, first.id);
            assert!(family.iter().any(|f| f.id == t.id));
            if t.configurable {
                assert_eq!(folder_tools(&rels, Some(tool)).0.id, t.id, "{} cannot be configured for its example", t.id);
            }
            // Its names' owner is registered and reads its own names; its layout is a registered tool's name.
            let owner = Tool::named(t.names).unwrap_or_else(|| panic!("{}: names `{}` is no tool's", t.id, t.names));
            assert_eq!(owner.def().names, t.names, "{}", t.id);
            assert!(Tool::named(t.layout.0).is_some(), "{}: layout `{}` is no tool's name", t.id, t.layout.0);
            // Configured, it reads its example without a word, in its layout.
            let (m, d) = example(t, Some(tool));
            assert!(d.is_empty(), "{}: {d:?}", t.id);
            assert!(!m.is_empty() && m.iter().all(|m| m.layout == t.layout && m.tool == tool), "{}: {m:?}", t.id);
        }
        assert_eq!("Flyway".parse::<Tool>(), Ok(Tool::named("flyway").unwrap()));
        assert_eq!(
            "liquibase".parse::<Tool>().unwrap_err(),
            "unknown migration tool `liquibase`: expected one of dbmate, diesel, flyway, golang-migrate, refinery, sqlx"
        );
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
        // A lone diesel `down.sql` outside a diesel folder: read as diesel's, so the error says what it lacks.
        let (m, d) = ids(&[("1_a.sql", "x"), ("2024-01-01-000000_b/down.sql", "x")]);
        assert_eq!(m, ["1_a.sql"]);
        assert_eq!(errors(&d), ["migrations/2024-01-01-000000_b/down.sql:1:1: error: a down / undo script without its up migration"]);
    }

    #[test]
    fn a_byte_order_mark_is_stripped() {
        let src = MigrationSource::new("m", vec![SourceFile::new("V1__a.sql", "\u{feff}CREATE TABLE a (id int);")]);
        let (m, d) = discover(&src);
        assert!(d.is_empty());
        assert_eq!(m[0].up.text, "CREATE TABLE a (id int);");
    }
}
