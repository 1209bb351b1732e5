//! `[package.metadata.migsafe]` / `[workspace.metadata.migsafe]`: where the
//! migrations are and which dialect they are in.
//!
//! Parsed from manifest text so that the macros (at compile time) and the CLI
//! (for any git revision, without a checkout) read it the same way.

use crate::dialect::{Dialect, UnknownDialect};
use serde::Serialize;

/// The migsafe settings of one package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Config {
    /// The migrations folder, relative to the manifest that declared it.
    pub migrations: String,
    pub dialect: Dialect,
}

/// Where the settings came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ConfigSource {
    Package,
    Workspace,
}

/// A manifest that cannot be read, or whose migsafe settings are wrong:
/// each names the file and the line and column of the offending text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("{file}:{line}:{column}: not valid TOML: {message}")]
    Toml { file: String, line: usize, column: usize, message: String },
    /// A key holding the wrong kind of value (`migsafe = "sqlite"`,
    /// `[[package.metadata.migsafe]]`, `allow = "x"`, …): never ignored.
    #[error("{file}:{line}:{column}: `{key}` must be {expected}, not {found}")]
    Shape { file: String, line: usize, column: usize, key: String, expected: String, found: String },
    // Not a `source`: the message already holds it, and a chain would print it twice.
    #[error("{file}:{line}:{column}: {error}")]
    Dialect { file: String, line: usize, column: usize, error: UnknownDialect },
    #[error("{file}:{line}:{column}: {message}")]
    Tool { file: String, line: usize, column: usize, message: String },
    #[error("{file}:{line}:{column}: unknown key `{key}` in [{table}.metadata.migsafe]: expected `migrations`, `dialect`, `tool` or `allow`")]
    UnknownKey { file: String, line: usize, column: usize, table: String, key: String },
    #[error("{file}:{line}:{column}: `allow` names no rule `{rule}`{hint} (`cargo migsafe explain` lists them)")]
    UnknownRule { file: String, line: usize, column: usize, rule: String, hint: String },
    #[error(
        "{file}:{line}:{column}: `migrations = \"{path}\"` is an absolute path: give the folder relative to this Cargo.toml, like migrations = \"migrations\""
    )]
    AbsoluteFolder { file: String, line: usize, column: usize, path: String },
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

use toml_edit::{Item, Key, TableLike, Value};

/// What kind of TOML value an item is, for messages.
fn kind(item: &Item) -> &'static str {
    match item {
        Item::None => "nothing",
        Item::Table(_) => "a table",
        Item::ArrayOfTables(_) => "an array of tables",
        Item::Value(v) => value_kind(v),
    }
}

fn value_kind(v: &Value) -> &'static str {
    match v {
        Value::InlineTable(_) => "a table",
        Value::Array(_) => "an array",
        Value::String(_) => "a string",
        Value::Integer(_) => "an integer",
        Value::Float(_) => "a float",
        Value::Boolean(_) => "a boolean",
        Value::Datetime(_) => "a datetime",
    }
}

/// Where an item's text starts: its own span, else (an implicit table such as
/// `package` in `[package.metadata.migsafe]`) its key's.
fn start(key: &Key, item: &Item) -> usize {
    item.span().or_else(|| key.span()).map_or(0, |s| s.start)
}

/// The settings a manifest declares, without inheritance.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Declared {
    pub package: Option<Partial>,
    pub workspace: Option<Partial>,
    /// `[workspace] members = [...]`, when this manifest is a workspace root.
    pub members: Option<Vec<String>>,
    pub exclude: Vec<String>,
    pub package_name: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Partial {
    pub migrations: Option<String>,
    pub dialect: Option<Dialect>,
    /// `allow = ["rule-id", …]`: findings of these rules are dropped for the whole package.
    pub allow: Option<Vec<String>>,
    /// `tool = "golang-migrate"`: the migration tool, where file names do not tell.
    pub tool: Option<crate::migrations::Tool>,
}

/// Read the migsafe tables (and the workspace members) of one `Cargo.toml`.
///
/// Text that is not TOML is an error at its line and column; a migsafe key
/// of the wrong shape (`[[package.metadata.migsafe]]`, `migsafe = "sqlite"`,
/// `allow = "x"`, `members = "a"`) is an error naming the key, never
/// ignored in favour of the defaults.
pub fn read_manifest(file: &str, text: &str) -> Result<Declared, ConfigError> {
    let doc = toml_edit::ImDocument::parse(text).map_err(|e| {
        let (line, column) = line_column(text, e.span().map_or(0, |s| s.start));
        let message = match e.message().trim() {
            "" => match e.span().and_then(|s| text.get(s.start..).and_then(|t| t.chars().next())) {
                Some(c) => format!("unexpected character {c:?} (U+{:04X})", c as u32),
                None => "unexpected end of the file".to_string(),
            },
            m => m.to_string(),
        };
        ConfigError::Toml { file: file.to_string(), line, column, message }
    })?;
    let shape_at = |path: &str, offset: usize, found: &str, expected: &str| {
        let (line, column) = line_column(text, offset);
        ConfigError::Shape { file: file.to_string(), line, column, key: path.to_string(), expected: expected.to_string(), found: found.to_string() }
    };
    let shape = |path: &str, key: &Key, item: &Item, expected: &str| shape_at(path, start(key, item), kind(item), expected);
    let value_shape = |path: &str, v: &Value, expected: &str| shape_at(path, v.span().map_or(0, |s| s.start), value_kind(v), expected);
    let root: &dyn TableLike = doc.as_table();
    // `[<name>.metadata.migsafe]`: each table on the way may be absent; any other shape is an error.
    let section = |name: &str| -> Result<Option<Partial>, ConfigError> {
        let mut t = root;
        let mut path = String::new();
        for segment in [name, "metadata", "migsafe"] {
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(segment);
            let Some((k, item)) = t.get_key_value(segment) else { return Ok(None) };
            t = item.as_table_like().ok_or_else(|| shape(&path, k, item, &format!("a table ([{path}])")))?;
        }
        let allow_shape = "a list of rule ids, like allow = [\"index-without-concurrently\"]";
        let mut p = Partial::default();
        for (k, item) in t.iter() {
            let Some((key, _)) = t.get_key_value(k) else { continue };
            let (line, column) = line_column(text, start(key, item));
            match (k, item.as_value()) {
                ("allow", Some(Value::Array(list))) => {
                    let mut ids = Vec::new();
                    for id in list.iter() {
                        let Some(id_text) = id.as_str() else { return Err(value_shape("allow", id, allow_shape)) };
                        if crate::rules::find(id_text).is_none() {
                            let hint = crate::suggest::did_you_mean(id_text, crate::rules::REGISTRY.iter().map(|r| r.meta.id))
                                .map(|s| format!("; did you mean `{s}`?"))
                                .unwrap_or_default();
                            let (line, column) = line_column(text, id.span().map_or(0, |s| s.start));
                            return Err(ConfigError::UnknownRule { file: file.to_string(), line, column, rule: id_text.to_string(), hint });
                        }
                        ids.push(id_text.to_string());
                    }
                    p.allow = Some(ids);
                }
                ("allow", _) => return Err(shape("allow", key, item, allow_shape)),
                ("migrations", Some(Value::String(s))) => {
                    let s = s.value();
                    if is_absolute(s) {
                        return Err(ConfigError::AbsoluteFolder { file: file.to_string(), line, column, path: s.clone() });
                    }
                    p.migrations = Some(s.clone());
                }
                ("dialect", Some(Value::String(s))) => {
                    p.dialect = Some(s.value().parse().map_err(|error| ConfigError::Dialect { file: file.to_string(), line, column, error })?);
                }
                ("tool", Some(Value::String(s))) => {
                    p.tool = Some(s.value().parse().map_err(|message| ConfigError::Tool { file: file.to_string(), line, column, message })?);
                }
                ("migrations" | "dialect" | "tool", _) => return Err(shape(k, key, item, "a string")),
                _ => {
                    let (line, column) = line_column(text, key.span().map_or(0, |s| s.start));
                    return Err(ConfigError::UnknownKey { file: file.to_string(), line, column, table: name.to_string(), key: k.to_string() });
                }
            }
        }
        Ok(Some(p))
    };
    let mut out = Declared {
        package: section("package")?,
        workspace: section("workspace")?,
        // `[project]` is cargo's old name for `[package]` (crates.io's 2017 manifests use it).
        package_name: root.get("package").or_else(|| root.get("project")).and_then(|p| p.get("name")).and_then(|n| n.as_str()).map(String::from),
        ..Declared::default()
    };
    if let Some((k, ws)) = root.get_key_value("workspace") {
        let ws = ws.as_table_like().ok_or_else(|| shape("workspace", k, ws, "a table ([workspace])"))?;
        let list = |key: &str| -> Result<Vec<String>, ConfigError> {
            let Some((k, item)) = ws.get_key_value(key) else { return Ok(Vec::new()) };
            let path = format!("workspace.{key}");
            let expected = format!("a list of paths, like {key} = [\"crates/*\"]");
            let Some(Value::Array(items)) = item.as_value() else { return Err(shape(&path, k, item, &expected)) };
            items.iter().map(|v| v.as_str().map(String::from).ok_or_else(|| value_shape(&path, v, &expected))).collect()
        };
        out.members = Some(list("members")?);
        out.exclude = list("exclude")?;
    }
    Ok(out)
}

/// `/x`, `\\x` or `C:\x` / `C:/x`: a path that does not read relative to the manifest.
/// A workspace pattern that is not a glob (`members = ["crates/["]`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{manifest}: workspace pattern `{pattern}` is not a valid glob: {message}")]
pub struct BadGlob {
    pub manifest: String,
    pub pattern: String,
    pub message: String,
}

/// Whether workspace glob `pattern` matches the member path `text`, as cargo
/// matches `members` (the `glob` crate, `*` and `?` within one path component,
/// `**` across them). Its matcher prunes instead of backtracking, so a
/// pathological pattern costs time proportional to the text, not exponential in it.
pub fn glob_match(pattern: &str, text: &str) -> Result<bool, glob::PatternError> {
    let options = glob::MatchOptions { case_sensitive: true, require_literal_separator: true, require_literal_leading_dot: false };
    Ok(glob::Pattern::new(pattern)?.matches_with(text, options))
}

/// Whether one of `globs` (of `manifest`) matches the path `rel`.
pub fn matches_any(manifest: &str, globs: &[String], rel: &str) -> Result<bool, BadGlob> {
    for g in globs {
        let pattern = g.trim_end_matches('/').trim_start_matches("./");
        if glob_match(pattern, rel).map_err(|e| BadGlob { manifest: manifest.to_string(), pattern: g.clone(), message: e.msg.to_string() })? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Whether the package at `rel` (relative to the workspace root, whose
/// manifest `manifest` declares `ws`) is a member of that workspace, as cargo
/// decides: a `members` glob matches it and no `exclude` entry matches it or
/// holds it (cargo excludes by path prefix). The macros and `cargo migsafe`
/// both ask this, so they agree on which workspace's settings and folder a package inherits.
pub fn is_member(manifest: &str, ws: &Declared, rel: &str) -> Result<bool, BadGlob> {
    let Some(members) = &ws.members else { return Ok(false) };
    let excluded = matches_any(manifest, &ws.exclude, rel)?
        || ws.exclude.iter().any(|g| rel.starts_with(&format!("{}/", g.trim_end_matches('/').trim_start_matches("./"))));
    Ok(!excluded && matches_any(manifest, members, rel)?)
}

fn is_absolute(path: &str) -> bool {
    let b = path.as_bytes();
    path.starts_with('/') || path.starts_with('\\') || (b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':')
}

/// Combine a package's own settings with its workspace's: the package wins
/// key by key; a workspace folder is re-rooted at the package
/// (`ws_to_pkg`: the package directory relative to the workspace root).
pub fn resolve(package: Option<&Partial>, workspace: Option<&Partial>, pkg_dir_from_ws: &str) -> Option<(Config, ConfigSource)> {
    let from_ws = |p: &Partial| p.migrations.as_ref().map(|m| rebase(m, pkg_dir_from_ws));
    let (migrations, source) = match (package.and_then(|p| p.migrations.clone()), workspace.and_then(from_ws)) {
        (Some(m), _) => (m, ConfigSource::Package),
        (None, Some(m)) => (m, ConfigSource::Workspace),
        (None, None) => {
            // A dialect alone still makes a configured package, with the default folder.
            if package.and_then(|p| p.dialect).is_some() {
                ("migrations".to_string(), ConfigSource::Package)
            } else if workspace.and_then(|p| p.dialect).is_some() {
                (rebase("migrations", pkg_dir_from_ws), ConfigSource::Workspace)
            } else {
                return None;
            }
        }
    };
    let dialect = package.and_then(|p| p.dialect).or(workspace.and_then(|w| w.dialect)).unwrap_or(Dialect::Postgres);
    Some((Config { migrations, dialect }, source))
}

/// The migration tool a package names, or its workspace.
pub fn tool_of(package: Option<&Partial>, workspace: Option<&Partial>) -> Option<crate::migrations::Tool> {
    package.and_then(|p| p.tool).or(workspace.and_then(|w| w.tool))
}

/// The rules a package allows: its own `allow` list and its workspace's.
pub fn allow_list(package: Option<&Partial>, workspace: Option<&Partial>) -> Vec<String> {
    let mut ids: Vec<String> = package.into_iter().chain(workspace).flat_map(|p| p.allow.iter().flatten().cloned()).collect();
    ids.sort();
    ids.dedup();
    ids
}

/// `migrations` given relative to the workspace root, seen from a package `pkg_dir` below it.
fn rebase(migrations: &str, pkg_dir: &str) -> String {
    let depth = pkg_dir.split('/').filter(|p| !p.is_empty() && *p != ".").count();
    let mut s = "../".repeat(depth);
    s.push_str(migrations);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn membership_is_a_members_glob_not_excluded_by_glob_or_prefix() {
        let ws = read_manifest("Cargo.toml", "[workspace]\nmembers = [\"crates/*\", \"svc\"]\nexclude = [\"crates/old\", \"examples\"]\n").unwrap();
        let m = |rel: &str| is_member("Cargo.toml", &ws, rel).unwrap();
        assert!(m("crates/api") && m("svc"));
        assert!(!m("crates/old") && !m("crates/api/sub") && !m("examples/checkout") && !m("other"));
        let bad = read_manifest("Cargo.toml", "[workspace]\nmembers = [\"crates/[\"]\n").unwrap();
        assert!(is_member("Cargo.toml", &bad, "crates/a").unwrap_err().to_string().starts_with("Cargo.toml: workspace pattern `crates/[` is not a valid glob"));
        assert!(!is_member("Cargo.toml", &Declared::default(), "svc").unwrap());
    }

    #[test]
    fn an_old_project_table_names_the_package() {
        let d = read_manifest("Cargo.toml", "[project]\nname = \"cargo-registry\"\nversion = \"0.2.0\"\n\n[workspace]\n").unwrap();
        assert_eq!(d.package_name.as_deref(), Some("cargo-registry"));
    }

    #[test]
    fn package_settings_win_over_workspace() {
        let d = read_manifest("Cargo.toml", "[package]\nname='a'\n[package.metadata.migsafe]\nmigrations='db/migrations'\ndialect='mysql'\n").unwrap();
        let (c, s) = resolve(d.package.as_ref(), None, ".").unwrap();
        assert_eq!(c, Config { migrations: "db/migrations".into(), dialect: Dialect::Mysql });
        assert_eq!(s, ConfigSource::Package);
        let ws = Partial { migrations: Some("migrations".into()), dialect: Some(Dialect::Sqlite), allow: None, tool: None };
        let (c, s) = resolve(None, Some(&ws), "crates/api").unwrap();
        assert_eq!(c.migrations, "../../migrations");
        assert_eq!(c.dialect, Dialect::Sqlite);
        assert_eq!(s, ConfigSource::Workspace);
        assert!(resolve(None, None, ".").is_none());
    }

    #[test]
    fn allow_lists_are_read_merged_and_checked() {
        let d = read_manifest("Cargo.toml", "[package.metadata.migsafe]\nallow = [\"lock-without-timeout\"]\n[workspace.metadata.migsafe]\nallow = [\"index-without-concurrently\", \"lock-without-timeout\"]\n").unwrap();
        assert_eq!(allow_list(d.package.as_ref(), d.workspace.as_ref()), ["index-without-concurrently", "lock-without-timeout"]);
        let e = read_manifest("svc/Cargo.toml", "[package.metadata.migsafe]\nallow = [\"index-without-concurently\"]\n").unwrap_err();
        assert_eq!(e.to_string(), "svc/Cargo.toml:2:10: `allow` names no rule `index-without-concurently`; did you mean `index-without-concurrently`? (`cargo migsafe explain` lists them)");
        let e = read_manifest("Cargo.toml", "[package.metadata.migsafe]\nallow = \"lock-without-timeout\"\n").unwrap_err();
        assert!(e.to_string().starts_with("Cargo.toml:2:9: `allow` must be a list"), "{e}");
    }

    #[test]
    fn bad_settings_name_the_file_and_line() {
        let e = read_manifest("svc/Cargo.toml", "[package.metadata.migsafe]\ndialect='oracle'\n").unwrap_err();
        assert_eq!(e.to_string(), "svc/Cargo.toml:2:9: unknown dialect `oracle`: expected one of postgres, mysql, sqlite");
        let e = read_manifest("Cargo.toml", "[package.metadata.migsafe]\nmigration='x'\n").unwrap_err();
        assert_eq!(e.to_string(), "Cargo.toml:2:1: unknown key `migration` in [package.metadata.migsafe]: expected `migrations`, `dialect`, `tool` or `allow`");
        let e = read_manifest("Cargo.toml", "[package.metadata.migsafe]\ntool = 'goose'\n").unwrap_err();
        assert_eq!(e.to_string(), "Cargo.toml:2:8: unknown migration tool `goose`: expected one of dbmate, diesel, flyway, golang-migrate, refinery, sqlx");
        let ok = read_manifest("Cargo.toml", "[package.metadata.migsafe]\ntool = 'golang-migrate'\n").unwrap();
        assert_eq!(ok.package.and_then(|p| p.tool), crate::migrations::Tool::named("golang-migrate"));
        let e = read_manifest("Cargo.toml", "[package\n").unwrap_err();
        assert!(e.to_string().starts_with("Cargo.toml:1:9: not valid TOML: "), "{e}");
    }

    /// Issue 11: a NUL byte in a comment gave `not valid TOML: ` and nothing more.
    #[test]
    fn toml_errors_carry_line_column_and_a_message() {
        let e = read_manifest("svc/Cargo.toml", "[package]\nname = \"a\"\n# a comment \u{0}\n").unwrap_err();
        let ConfigError::Toml { line, column, message, .. } = &e else { panic!("{e:?}") };
        assert_eq!((*line, *column), (3, 13), "{e}");
        assert!(!message.is_empty(), "{e}");
        assert!(e.to_string().starts_with("svc/Cargo.toml:3:13: not valid TOML: "), "{e}");
        let e = read_manifest("Cargo.toml", "[package]\nname = \"é\"\nversion = = 1\n").unwrap_err();
        assert!(e.to_string().starts_with("Cargo.toml:3:"), "{e}");
        assert_eq!(line_column("aé\nbc", 6), (2, 3));
        assert_eq!(line_column("aé", 2), (1, 2), "inside a character: its start");
    }

    /// Issue 11: metadata of the wrong shape was ignored and defaults used.
    #[test]
    fn wrong_shapes_are_errors_naming_the_key() {
        let e = read_manifest("Cargo.toml", "[package]\nname = \"a\"\n\n[[package.metadata.migsafe]]\ndialect = \"sqlite\"\n").unwrap_err();
        assert_eq!(e.to_string(), "Cargo.toml:4:1: `package.metadata.migsafe` must be a table ([package.metadata.migsafe]), not an array of tables");
        let e = read_manifest("Cargo.toml", "[package]\nname = \"a\"\n[package.metadata]\nmigsafe = \"sqlite\"\n").unwrap_err();
        assert_eq!(e.to_string(), "Cargo.toml:4:11: `package.metadata.migsafe` must be a table ([package.metadata.migsafe]), not a string");
        let e = read_manifest("Cargo.toml", "[workspace]\nmetadata = 3\n").unwrap_err();
        assert_eq!(e.to_string(), "Cargo.toml:2:12: `workspace.metadata` must be a table ([workspace.metadata]), not an integer");
        let e = read_manifest("Cargo.toml", "[package.metadata.migsafe]\nallow = \"x\"\n").unwrap_err();
        assert_eq!(e.to_string(), "Cargo.toml:2:9: `allow` must be a list of rule ids, like allow = [\"index-without-concurrently\"], not a string");
        let e = read_manifest("Cargo.toml", "[package.metadata.migsafe]\nallow = [1]\n").unwrap_err();
        assert_eq!(e.to_string(), "Cargo.toml:2:10: `allow` must be a list of rule ids, like allow = [\"index-without-concurrently\"], not an integer");
        let e = read_manifest("Cargo.toml", "[package.metadata.migsafe]\nmigrations = [\"db\"]\n").unwrap_err();
        assert_eq!(e.to_string(), "Cargo.toml:2:14: `migrations` must be a string, not an array");
        let e = read_manifest("Cargo.toml", "[package.metadata.migsafe]\ndialect = true\n").unwrap_err();
        assert_eq!(e.to_string(), "Cargo.toml:2:11: `dialect` must be a string, not a boolean");
        let e = read_manifest("Cargo.toml", "[workspace]\nmembers = \"crates/*\"\n").unwrap_err();
        assert_eq!(e.to_string(), "Cargo.toml:2:11: `workspace.members` must be a list of paths, like members = [\"crates/*\"], not a string");
        let e = read_manifest("Cargo.toml", "[workspace]\nmembers = [\"a\"]\nexclude = [{ x = 1 }]\n").unwrap_err();
        assert!(e.to_string().starts_with("Cargo.toml:3:12: `workspace.exclude` must be a list of paths"), "{e}");
        // Values of other kinds elsewhere in the manifest are none of migsafe's business.
        let d =
            read_manifest("Cargo.toml", "[package]\nname = \"a\"\nedition = 2021\npublish = false\n[package.metadata.other]\nwhen = 1979-05-27T07:32:00Z\n")
                .unwrap();
        assert_eq!(d.package_name.as_deref(), Some("a"));
        assert_eq!(d.package, None);
    }

    /// Issue 11: `migrations = "/migrations"` was taken as repository-relative.
    #[test]
    fn an_absolute_migrations_folder_is_an_error() {
        for path in ["/migrations", "\\\\server\\db", "C:\\db", "c:/db"] {
            let text = format!("[package.metadata.migsafe]\nmigrations = {path:?}\n");
            let e = read_manifest("svc/Cargo.toml", &text).unwrap_err();
            assert!(matches!(e, ConfigError::AbsoluteFolder { line: 2, column: 14, .. }), "{path}: {e}");
        }
        let e = read_manifest("svc/Cargo.toml", "[workspace.metadata.migsafe]\nmigrations = \"/migrations\"\n").unwrap_err();
        assert_eq!(e.to_string(), "svc/Cargo.toml:2:14: `migrations = \"/migrations\"` is an absolute path: give the folder relative to this Cargo.toml, like migrations = \"migrations\"");
        let d = read_manifest("Cargo.toml", "[package.metadata.migsafe]\nmigrations = \"../db/migrations\"\n").unwrap();
        assert_eq!(d.package.unwrap().migrations.as_deref(), Some("../db/migrations"));
    }
}
