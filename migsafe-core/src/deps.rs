//! Zero configuration: what a package without `[package.metadata.migsafe]`
//! says about its database, read the way its own tools read it.
//!
//! * The dialect comes from its dependencies: sqlx, diesel, diesel-async and
//!   SeaORM by their database features; tokio-postgres, postgres,
//!   deadpool-postgres, bb8-postgres, rusqlite, mysql, mysql_async … by
//!   their names. Dependencies inherited with `workspace = true` are read
//!   from `[workspace.dependencies]`; renamed ones (`package = "…"`) by
//!   their crate name.
//!
//! The macros (when the settings name no dialect) and `cargo migsafe` both
//! choose with [`choose`], so they never read one folder in two dialects.
//! The migrations folder is found by [`crate::folder`], shared the same way.
//! Everything here takes text and returns values (no IO).

use crate::Dialect;
use std::collections::{BTreeMap, BTreeSet};

/// How surely a dependency is in the build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rank {
    /// A normal dependency, with the feature on by default.
    Default,
    /// Only through one of the package's own optional features (vaultwarden
    /// builds one binary per database that way).
    Optional,
    /// Only a dev-dependency (tests may use another database than the service).
    Dev,
}

/// One dependency hint at a dialect, with the words that say where it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hint {
    pub dialect: Dialect,
    pub rank: Rank,
    pub why: String,
}

/// A dependency of the package, after `workspace = true` and `package = "…"`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dep {
    /// The key in the manifest (the name the code uses).
    pub key: String,
    /// The crate's name on the registry.
    pub krate: String,
    pub features: Vec<String>,
    pub optional: bool,
    pub dev: bool,
    /// Inherited from `[workspace.dependencies]`.
    pub inherited: bool,
}

/// What a manifest says about dependencies and features.
#[derive(Debug, Clone, Default)]
pub struct Manifest {
    pub deps: Vec<Dep>,
    /// `[features]`.
    pub features: BTreeMap<String, Vec<String>>,
    /// `[workspace.dependencies]` (of a workspace root).
    pub workspace_deps: BTreeMap<String, Dep>,
    /// `[workspace] default-members` (of a workspace root).
    pub default_members: Option<Vec<String>>,
}

impl Manifest {
    /// Read `text`, resolving `workspace = true` through `workspace` (the
    /// workspace root's manifest, when there is one). Text that is not TOML
    /// reads as an empty manifest: the migsafe settings reader reports it.
    pub fn parse(text: &str, workspace: Option<&Manifest>) -> Manifest {
        let Ok(doc) = text.parse::<toml::Table>() else { return Manifest::default() };
        let mut m = Manifest::default();
        let mut tables: Vec<(&toml::Table, bool)> = Vec::new();
        for (name, dev) in [("dependencies", false), ("dev-dependencies", true), ("dev_dependencies", true)] {
            if let Some(t) = doc.get(name).and_then(|t| t.as_table()) {
                tables.push((t, dev));
            }
        }
        if let Some(targets) = doc.get("target").and_then(|t| t.as_table()) {
            for target in targets.values().filter_map(|t| t.as_table()) {
                for (name, dev) in [("dependencies", false), ("dev-dependencies", true), ("dev_dependencies", true)] {
                    if let Some(t) = target.get(name).and_then(|t| t.as_table()) {
                        tables.push((t, dev));
                    }
                }
            }
        }
        for (table, dev) in tables {
            for (key, spec) in table {
                let mut d = dep(key, spec);
                d.dev = dev;
                if spec.get("workspace").and_then(|w| w.as_bool()) == Some(true) {
                    d.inherited = true;
                    if let Some(w) = workspace.and_then(|w| w.workspace_deps.get(key)) {
                        d.krate = w.krate.clone();
                        let mut f = w.features.clone();
                        f.extend(d.features);
                        d.features = f;
                    }
                }
                m.deps.push(d);
            }
        }
        if let Some(f) = doc.get("features").and_then(|t| t.as_table()) {
            for (k, v) in f {
                let list = v.as_array().map(|a| a.iter().filter_map(|x| x.as_str().map(String::from)).collect()).unwrap_or_default();
                m.features.insert(k.clone(), list);
            }
        }
        if let Some(ws) = doc.get("workspace").and_then(|t| t.as_table()) {
            if let Some(t) = ws.get("dependencies").and_then(|t| t.as_table()) {
                m.workspace_deps = t.iter().map(|(k, v)| (k.clone(), dep(k, v))).collect();
            }
            m.default_members = ws.get("default-members").and_then(|d| d.as_array()).map(|a| a.iter().filter_map(|x| x.as_str().map(String::from)).collect());
        }
        m
    }

    /// The crate names the package depends on ([dependencies],
    /// [dev-dependencies] and [target.*] ones, after renames), sorted, once each.
    pub fn crate_names(&self) -> Vec<String> {
        self.deps.iter().map(|d| d.krate.clone()).collect::<BTreeSet<_>>().into_iter().collect()
    }

    /// Whether any dependency is a database library (or migsafe's runtime,
    /// for code that declares its SQL with annotations).
    pub fn uses_database(&self) -> bool {
        self.deps.iter().any(|d| is_database_crate(&d.krate))
    }

    /// The features on by default: `default` and what it turns on, transitively.
    fn default_features(&self) -> BTreeSet<String> {
        let mut on = BTreeSet::new();
        let mut todo = vec!["default".to_string()];
        while let Some(f) = todo.pop() {
            if !on.insert(f.clone()) {
                continue;
            }
            for item in self.features.get(&f).into_iter().flatten() {
                if !item.contains('/') && !item.starts_with("dep:") {
                    todo.push(item.clone());
                }
            }
        }
        on
    }

    /// Every hint at a dialect among the dependencies.
    pub fn hints(&self) -> Vec<Hint> {
        let defaults = self.default_features();
        let mut out: Vec<Hint> = Vec::new();
        let mut push = |dialect: Dialect, rank: Rank, why: String| {
            if !out.iter().any(|h| h.dialect == dialect && h.why == why) {
                out.push(Hint { dialect, rank, why });
            }
        };
        for d in &self.deps {
            let from_ws = if d.inherited { " (from [workspace.dependencies])" } else { "" };
            // An optional dependency is in by default when `default` turns it on.
            let enabling: Vec<&String> = self.features.iter().filter(|(_, items)| items.iter().any(|i| enables(i, &d.key))).map(|(f, _)| f).collect();
            let rank = if d.dev {
                Rank::Dev
            } else if !d.optional || defaults.contains(&d.key) || enabling.iter().any(|f| defaults.contains(*f)) {
                Rank::Default
            } else {
                Rank::Optional
            };
            let through = |rank: Rank| match (rank, enabling.first()) {
                (Rank::Optional, Some(f)) => format!(" (through feature \"{f}\")"),
                _ => String::new(),
            };
            let kind = if d.dev {
                "dev-dependency"
            } else if d.optional {
                "optional dependency"
            } else {
                "dependency"
            };
            if let Some(dialect) = crate_dialect(&d.krate) {
                push(dialect, rank, format!("{kind} {}{}", d.krate, through(rank)));
            }
            for f in &d.features {
                for dialect in feature_dialect(&d.krate, f) {
                    push(dialect, rank, format!("{} feature \"{f}\"{from_ws}{}", d.krate, through(rank)));
                }
            }
            // `[features] pg = ["sqlx/postgres"]`: on by default or optional.
            for (own, items) in &self.features {
                for item in items {
                    let Some((key, f)) = item.split_once('/') else { continue };
                    let key = key.trim_end_matches('?');
                    if key != d.key {
                        continue;
                    }
                    let r = if d.dev {
                        Rank::Dev
                    } else if defaults.contains(own) && (rank == Rank::Default || !item.contains('?')) {
                        Rank::Default
                    } else {
                        Rank::Optional
                    };
                    for dialect in feature_dialect(&d.krate, f) {
                        let why = if r == Rank::Default && own == "default" {
                            format!("{} feature \"{f}\"", d.krate)
                        } else {
                            format!("{} feature \"{f}\" (through feature \"{own}\")", d.krate)
                        };
                        push(dialect, r, why);
                    }
                }
            }
        }
        out
    }
}

/// Whether a `[features]` item turns on the dependency `key`.
fn enables(item: &str, key: &str) -> bool {
    item == key || item.strip_prefix("dep:") == Some(key) || item.split_once('/').is_some_and(|(k, _)| k == key)
}

fn dep(key: &str, spec: &toml::Value) -> Dep {
    let krate = spec.get("package").and_then(|p| p.as_str()).unwrap_or(key).to_string();
    let features = spec.get("features").and_then(|f| f.as_array()).map(|a| a.iter().filter_map(|x| x.as_str().map(String::from)).collect()).unwrap_or_default();
    let optional = spec.get("optional").and_then(|o| o.as_bool()).unwrap_or(false);
    Dep { key: key.to_string(), krate, features, optional, dev: false, inherited: false }
}

/// Crate names compare as cargo does: `-` and `_` alike.
fn norm(name: &str) -> String {
    name.replace('_', "-").to_ascii_lowercase()
}

/// The dialect a crate implies by itself being there.
pub fn crate_dialect(krate: &str) -> Option<Dialect> {
    use Dialect::*;
    Some(match norm(krate).as_str() {
        "tokio-postgres" | "postgres" | "deadpool-postgres" | "bb8-postgres" | "r2d2-postgres" | "sqlx-postgres" | "postgres-types" => Postgres,
        "rusqlite" | "sqlite" | "libsqlite3-sys" | "r2d2-sqlite" | "deadpool-sqlite" | "tokio-rusqlite" | "sqlx-sqlite" => Sqlite,
        "mysql" | "mysql-async" | "sqlx-mysql" | "mysql-common" => Mysql,
        _ => return None,
    })
}

/// A crate through which code talks to a database (whatever the dialect).
pub fn is_database_crate(krate: &str) -> bool {
    crate_dialect(krate).is_some()
        || matches!(
            norm(krate).as_str(),
            "sqlx"
                | "sqlx-core"
                | "diesel"
                | "diesel-async"
                | "diesel-migrations"
                | "sea-orm"
                | "sea-orm-migration"
                | "sea-query"
                | "refinery"
                | "migsafe-runtime"
        )
}

/// The dialects a feature of a database crate selects.
pub fn feature_dialect(krate: &str, feature: &str) -> Vec<Dialect> {
    use Dialect::*;
    let d = match (norm(krate).as_str(), feature) {
        ("sqlx" | "sqlx-core" | "sqlx-macros", "postgres") => Postgres,
        ("sqlx" | "sqlx-core" | "sqlx-macros", "mysql") => Mysql,
        ("sqlx" | "sqlx-core" | "sqlx-macros", "sqlite" | "sqlite-unbundled") => Sqlite,
        ("diesel" | "diesel-migrations" | "diesel-async", "postgres" | "postgres_backend") => Postgres,
        ("diesel" | "diesel-migrations" | "diesel-async", "mysql" | "mysql_backend") => Mysql,
        ("diesel" | "diesel-migrations", "sqlite") => Sqlite,
        ("sea-orm" | "sea-orm-migration" | "sea-query-binder", "sqlx-postgres") => Postgres,
        ("sea-orm" | "sea-orm-migration" | "sea-query-binder", "sqlx-mysql") => Mysql,
        ("sea-orm" | "sea-orm-migration" | "sea-query-binder", "sqlx-sqlite") => Sqlite,
        ("sea-orm" | "sea-orm-migration", "sqlx-all") => return vec![Postgres, Mysql, Sqlite],
        _ => return vec![],
    };
    vec![d]
}

/// The dialect a migrations folder's own name says (`migrations/postgresql`,
/// `db/mysql`, `migrations/sqlite`), if it says one.
pub fn folder_dialect(folder: &str) -> Option<Dialect> {
    let last = folder.trim_end_matches('/').rsplit('/').next()?;
    last.parse().ok()
}

/// The outcome of choosing a dialect from hints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice {
    One {
        dialect: Dialect,
        why: String,
    },
    /// Several dialects, none singled out; each with its reasons.
    Ambiguous(Vec<(Dialect, Vec<String>)>),
    None,
}

/// Choose a dialect for `folder` from the hints: the surest rank that has
/// any; several dialects there are told apart by the folder's name.
pub fn choose(hints: &[Hint], folder: &str) -> Choice {
    let Some(best) = hints.iter().map(|h| h.rank).min() else { return Choice::None };
    let mut by: BTreeMap<&str, (Dialect, Vec<String>)> = BTreeMap::new();
    for h in hints.iter().filter(|h| h.rank == best) {
        by.entry(h.dialect.name()).or_insert((h.dialect, Vec::new())).1.push(h.why.clone());
    }
    // In Dialect::ALL order: postgres, mysql, sqlite.
    let mut found: Vec<(Dialect, Vec<String>)> = Dialect::ALL.iter().filter_map(|d| by.remove(d.name())).collect();
    if found.len() == 1 {
        let (dialect, why) = found.remove(0);
        return Choice::One { dialect, why: why.join(", ") };
    }
    if let Some(named) = folder_dialect(folder) {
        if let Some((dialect, why)) = found.iter().find(|(d, _)| *d == named) {
            let others: Vec<&str> = found.iter().filter(|(d, _)| *d != named).map(|(d, _)| d.name()).collect();
            return Choice::One { dialect: *dialect, why: format!("{}; the folder's name picks it over {}", why.join(", "), others.join(", ")) };
        }
    }
    Choice::Ambiguous(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Dialect::*;

    fn only(text: &str, folder: &str) -> Choice {
        choose(&Manifest::parse(text, None).hints(), folder)
    }

    fn dialect(c: Choice) -> Option<Dialect> {
        match c {
            Choice::One { dialect, .. } => Some(dialect),
            _ => None,
        }
    }

    #[test]
    fn sqlx_diesel_seaorm_features_and_driver_crates() {
        assert_eq!(dialect(only("[dependencies]\nsqlx = { version = \"0.8\", features = [\"runtime-tokio\", \"postgres\"] }\n", "migrations")), Some(Postgres));
        assert_eq!(dialect(only("[dependencies]\nsqlx = { version = \"0.8\", features = [\"any\", \"mysql\"] }\n", "migrations")), Some(Mysql));
        assert_eq!(dialect(only("[dependencies]\ndiesel = { version = \"2\", features = [\"sqlite\", \"r2d2\"] }\n", "migrations")), Some(Sqlite));
        assert_eq!(dialect(only("[dependencies]\nsea-orm = { version = \"1\", features = [\"sqlx-mysql\", \"macros\"] }\n", "migrations")), Some(Mysql));
        assert_eq!(dialect(only("[dependencies]\ntokio-postgres = \"0.7\"\n", "migrations")), Some(Postgres));
        assert_eq!(dialect(only("[dependencies]\ndeadpool-postgres = \"0.14\"\n", "migrations")), Some(Postgres));
        assert_eq!(dialect(only("[dependencies]\nrusqlite = { version = \"0.31\", features = [\"bundled\"] }\n", "migrations")), Some(Sqlite));
        assert_eq!(dialect(only("[dependencies]\nmysql_async = \"0.34\"\n", "migrations")), Some(Mysql));
        assert_eq!(dialect(only("[target.'cfg(unix)'.dependencies]\npostgres = \"0.19\"\n", "migrations")), Some(Postgres));
        // `any` alone says nothing; no database crate at all says nothing.
        assert_eq!(only("[dependencies]\nsqlx = { version = \"0.8\", features = [\"any\"] }\n", "migrations"), Choice::None);
        assert_eq!(only("[dependencies]\nserde = \"1\"\n", "migrations"), Choice::None);
    }

    #[test]
    fn renames_and_workspace_inheritance() {
        let ws = Manifest::parse("[workspace]\nmembers = [\"a\"]\n[workspace.dependencies]\ndb = { package = \"sqlx\", version = \"0.8\", features = [\"mysql\"] }\nsqlx = \"0.8\"\n", None);
        let m = Manifest::parse("[dependencies]\ndb = { workspace = true }\n", Some(&ws));
        assert_eq!(m.crate_names(), ["sqlx"]);
        match choose(&m.hints(), "migrations") {
            Choice::One { dialect, why } => {
                assert_eq!(dialect, Mysql);
                assert_eq!(why, "sqlx feature \"mysql\" (from [workspace.dependencies])");
            }
            other => panic!("{other:?}"),
        }
        // Features added by the member on top of the workspace's.
        let m = Manifest::parse("[dependencies]\nsqlx = { workspace = true, features = [\"sqlite\"] }\n", Some(&ws));
        assert_eq!(dialect(choose(&m.hints(), "migrations")), Some(Sqlite));
        let m = Manifest::parse(
            "[dependencies]\npg = { package = \"tokio-postgres\", version = \"0.7\" }\nserde = \"1\"\n[dev-dependencies]\ntempfile = \"3\"\n[target.'cfg(unix)'.dependencies]\nlibc = \"0.2\"\n",
            None,
        );
        assert_eq!(m.crate_names(), ["libc", "serde", "tempfile", "tokio-postgres"]);
        assert!(m.uses_database());
        assert!(!Manifest::parse("[dependencies]\nserde = \"1\"\n", None).uses_database());
        assert!(Manifest::parse("[dependencies]\nmigsafe-runtime = \"0.1\"\n", None).uses_database());
        assert_eq!(dialect(choose(&m.hints(), "migrations")), Some(Postgres));
    }

    #[test]
    fn several_dialects_are_told_apart_by_the_folder_name_or_are_ambiguous() {
        let both = "[dependencies]\nsqlx = { version = \"0.8\", features = [\"postgres\", \"sqlite\"] }\n";
        assert_eq!(dialect(only(both, "migrations/sqlite")), Some(Sqlite));
        match only(both, "migrations/postgresql") {
            Choice::One { dialect, why } => {
                assert_eq!(dialect, Postgres);
                assert!(why.contains("folder's name picks it over sqlite"), "{why}");
            }
            other => panic!("{other:?}"),
        }
        match only(both, "migrations") {
            Choice::Ambiguous(c) => assert_eq!(c.iter().map(|(d, _)| *d).collect::<Vec<_>>(), [Postgres, Sqlite]),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn vaultwarden_style_features_select_one_backend_each() {
        let vw = "[features]\ndefault = []\nmysql = [\"diesel/mysql\", \"diesel_migrations/mysql\"]\npostgresql = [\"diesel/postgres\", \"diesel_migrations/postgres\"]\nsqlite = [\"diesel/sqlite\", \"diesel_migrations/sqlite\", \"dep:libsqlite3-sys\"]\n\n[dependencies]\ndiesel = { version = \"2\", features = [\"chrono\", \"r2d2\"] }\ndiesel_migrations = \"2\"\nlibsqlite3-sys = { version = \"0.30\", features = [\"bundled\"], optional = true }\n";
        match only(vw, "migrations") {
            Choice::Ambiguous(c) => assert_eq!(c.len(), 3),
            other => panic!("{other:?}"),
        }
        assert_eq!(dialect(only(vw, "migrations/mysql")), Some(Mysql));
        assert_eq!(dialect(only(vw, "migrations/postgresql")), Some(Postgres));
        // A default feature outranks the optional ones.
        let pg_default = vw.replace("default = []", "default = [\"postgresql\"]");
        match only(&pg_default, "migrations") {
            Choice::One { dialect, why } => {
                assert_eq!(dialect, Postgres);
                assert!(why.contains("through feature \"postgresql\""), "{why}");
            }
            other => panic!("{other:?}"),
        }
        // A dev-dependency counts only when nothing else says.
        let m = "[dependencies]\nsqlx = { version = \"0.8\", features = [\"postgres\"] }\n[dev-dependencies]\nrusqlite = \"0.31\"\n";
        assert_eq!(dialect(only(m, "migrations")), Some(Postgres));
        assert_eq!(dialect(only("[dev-dependencies]\nrusqlite = \"0.31\"\n", "migrations")), Some(Sqlite));
    }

    #[test]
    fn folder_names() {
        assert_eq!(folder_dialect("migrations/postgresql"), Some(Postgres));
        assert_eq!(folder_dialect("migrations"), None);
    }
}
