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
    // Not a `source`: the message already holds it, and a chain would print it twice.
    #[error("{file}: {error}")]
    Dialect { file: String, error: UnknownDialect },
    #[error("{file}: unknown key `{key}` in [{table}.metadata.migsafe]: expected `migrations`, `dialect` or `allow`")]
    UnknownKey { file: String, table: String, key: String },
    #[error("{file}: `allow` must be a list of rule ids, like allow = [\"index-without-concurrently\"]")]
    NotAList { file: String },
    #[error("{file}: `allow` names no rule `{rule}`{hint} (`cargo migsafe explain` lists them)")]
    UnknownRule { file: String, rule: String, hint: String },
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
            if k == "allow" {
                let list = v.as_array().ok_or_else(|| ConfigError::NotAList { file: file.to_string() })?;
                let mut ids = Vec::new();
                for id in list {
                    let id = id.as_str().ok_or_else(|| ConfigError::NotAList { file: file.to_string() })?;
                    if crate::rules::find(id).is_none() {
                        let hint = crate::suggest::did_you_mean(id, crate::rules::REGISTRY.iter().map(|r| r.meta.id))
                            .map(|s| format!("; did you mean `{s}`?"))
                            .unwrap_or_default();
                        return Err(ConfigError::UnknownRule { file: file.to_string(), rule: id.to_string(), hint });
                    }
                    ids.push(id.to_string());
                }
                p.allow = Some(ids);
                continue;
            }
            let s = v.as_str().ok_or_else(|| ConfigError::NotAString { file: file.to_string(), key: k.clone() })?;
            match k.as_str() {
                "migrations" => p.migrations = Some(s.to_string()),
                "dialect" => p.dialect = Some(s.parse().map_err(|e| ConfigError::Dialect { file: file.to_string(), error: e })?),
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
    fn package_settings_win_over_workspace() {
        let d = read_manifest("Cargo.toml", "[package]\nname='a'\n[package.metadata.migsafe]\nmigrations='db/migrations'\ndialect='mysql'\n").unwrap();
        let (c, s) = resolve(d.package.as_ref(), None, ".").unwrap();
        assert_eq!(c, Config { migrations: "db/migrations".into(), dialect: Dialect::Mysql });
        assert_eq!(s, ConfigSource::Package);
        let ws = Partial { migrations: Some("migrations".into()), dialect: Some(Dialect::Sqlite), allow: None };
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
        assert_eq!(e.to_string(), "svc/Cargo.toml: `allow` names no rule `index-without-concurently`; did you mean `index-without-concurrently`? (`cargo migsafe explain` lists them)");
        let e = read_manifest("Cargo.toml", "[package.metadata.migsafe]\nallow = \"lock-without-timeout\"\n").unwrap_err();
        assert!(e.to_string().starts_with("Cargo.toml: `allow` must be a list"), "{e}");
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
