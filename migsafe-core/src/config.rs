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

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("{file}: not valid TOML: {message}")]
    Toml { file: String, message: String },
    #[error("{file}: `{key}` must be a string")]
    NotAString { file: String, key: String },
    #[error("{file}: {source}")]
    Dialect { file: String, source: UnknownDialect },
    #[error("{file}: unknown key `{key}` in [{table}.metadata.migsafe]: expected `migrations` or `dialect`")]
    UnknownKey { file: String, table: String, key: String },
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
}

/// Read the migsafe tables (and the workspace members) of one `Cargo.toml`.
pub fn read_manifest(file: &str, text: &str) -> Result<Declared, ConfigError> {
    let doc: toml::Table = text.parse().map_err(|e: toml::de::Error| ConfigError::Toml { file: file.to_string(), message: e.message().to_string() })?;
    let mut out = Declared::default();
    let section = |root: &str| -> Result<Option<Partial>, ConfigError> {
        let Some(m) = doc.get(root).and_then(|t| t.get("metadata")).and_then(|t| t.get("migsafe")).and_then(|t| t.as_table()) else {
            return Ok(None);
        };
        let mut p = Partial::default();
        for (k, v) in m {
            let s = v.as_str().ok_or_else(|| ConfigError::NotAString { file: file.to_string(), key: k.clone() })?;
            match k.as_str() {
                "migrations" => p.migrations = Some(s.to_string()),
                "dialect" => p.dialect = Some(s.parse().map_err(|e| ConfigError::Dialect { file: file.to_string(), source: e })?),
                _ => return Err(ConfigError::UnknownKey { file: file.to_string(), table: root.to_string(), key: k.clone() }),
            }
        }
        Ok(Some(p))
    };
    out.package = section("package")?;
    out.workspace = section("workspace")?;
    out.package_name = doc.get("package").and_then(|p| p.get("name")).and_then(|n| n.as_str()).map(String::from);
    if let Some(ws) = doc.get("workspace").and_then(|w| w.as_table()) {
        let list = |k: &str| -> Vec<String> {
            ws.get(k).and_then(|m| m.as_array()).map(|a| a.iter().filter_map(|v| v.as_str().map(String::from)).collect()).unwrap_or_default()
        };
        out.members = Some(list("members"));
        out.exclude = list("exclude");
    }
    Ok(out)
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
    fn package_settings_win_over_workspace() {
        let d = read_manifest("Cargo.toml", "[package]\nname='a'\n[package.metadata.migsafe]\nmigrations='db/migrations'\ndialect='mysql'\n").unwrap();
        let (c, s) = resolve(d.package.as_ref(), None, ".").unwrap();
        assert_eq!(c, Config { migrations: "db/migrations".into(), dialect: Dialect::Mysql });
        assert_eq!(s, ConfigSource::Package);
        let ws = Partial { migrations: Some("migrations".into()), dialect: Some(Dialect::Sqlite) };
        let (c, s) = resolve(None, Some(&ws), "crates/api").unwrap();
        assert_eq!(c.migrations, "../../migrations");
        assert_eq!(c.dialect, Dialect::Sqlite);
        assert_eq!(s, ConfigSource::Workspace);
        assert!(resolve(None, None, ".").is_none());
    }

    #[test]
    fn bad_settings_name_the_file() {
        let e = read_manifest("svc/Cargo.toml", "[package.metadata.migsafe]\ndialect='oracle'\n").unwrap_err();
        assert_eq!(e.to_string(), "svc/Cargo.toml: unknown dialect `oracle`: expected one of postgres, mysql, sqlite");
        let e = read_manifest("Cargo.toml", "[package.metadata.migsafe]\nmigration='x'\n").unwrap_err();
        assert!(e.to_string().contains("unknown key `migration`"));
        let e = read_manifest("Cargo.toml", "[package\n").unwrap_err();
        assert!(e.to_string().starts_with("Cargo.toml: not valid TOML"));
    }
}
