//! diesel: one folder per migration, `<version>_<name>/up.sql` and
//! `down.sql`, versions ordered as strings; each migration in a transaction
//! unless its `metadata.toml` says `run_in_transaction = false`. diesel reads
//! nothing else in its folder.

use super::common::{digits, Half, Key, Name, TxCx};
use super::{Layout, MigrationTool, TxMode};

pub static DIESEL: MigrationTool = MigrationTool {
    id: "diesel",
    layout: Layout("diesel"),
    names: "diesel",
    claims_folder,
    claims_file: super::no_file,
    configurable: true,
    ignores,
    parse,
    halves: super::whole,
    transaction,
    wraps: "diesel runs each migration in a transaction unless its `metadata.toml` sets `run_in_transaction = false`",
    run_outside: "give the migration a `metadata.toml` with `run_in_transaction = false`, holding only this statement",
    refuses: ("diesel refuses", ""),
    example: &[
        ("00000000000000_diesel_initial_setup/up.sql", "SELECT 1;"),
        ("2023-11-02-101500_a/up.sql", "CREATE TABLE a (id int);"),
        ("2023-11-02-101500_a/down.sql", "DROP TABLE a;"),
        ("2023-11-02-101500_a/metadata.toml", "run_in_transaction = false\n"),
    ],
};

/// A migration folder's name: a version of digits (and dashes), then `_<name>`.
fn diesel_dir(dir: &str) -> bool {
    let ver = dir.split_once('_').map(|(v, _)| v).unwrap_or(dir);
    digits(&ver.chars().filter(|c| *c != '-').collect::<String>()).is_some()
}

/// Any `<version>_<name>/up.sql`.
fn claims_folder(rels: &[&str]) -> bool {
    rels.iter().any(|r| matches!(r.split('/').collect::<Vec<_>>().as_slice(), [dir, "up.sql"] if diesel_dir(dir)))
}

fn ignores(parts: &[&str]) -> Option<&'static str> {
    match parts {
        [_] => Some("diesel reads only `<version>_<name>/` folders: this file beside them is ignored"),
        [_, "up.sql" | "down.sql"] => None,
        _ => Some("diesel reads only `up.sql` and `down.sql` in a migration's folder: ignored"),
    }
}

fn parse(parts: &[&str]) -> Option<Name> {
    let [dir, file @ ("up.sql" | "down.sql")] = parts else { return None };
    let (ver, name) = dir.split_once('_').unwrap_or((dir, ""));
    let compact: String = ver.chars().filter(|c| *c != '-').collect();
    digits(&compact)?;
    // diesel sorts versions as strings (`MigrationVersion(Cow<str>)`
    // derives `Ord`): `20240313` runs after `20240306170000`.
    let key = Key { repeatable: false, parts: vec![], text: compact };
    Some(Name {
        pair: dir.to_string(),
        duplicate_key: key.clone(),
        key,
        version: ver.to_string(),
        name: name.to_string(),
        half: if *file == "up.sql" { Half::Up } else { Half::Down },
    })
}

fn transaction(cx: &TxCx) -> TxMode {
    let dir = cx.id.trim_end_matches("up.sql");
    if runs_in_transaction((cx.sibling)(&format!("{dir}metadata.toml"))) {
        TxMode::Wrapped
    } else {
        TxMode::Outside
    }
}

/// Diesel's `metadata.toml` beside an `up.sql`: `run_in_transaction = false` opts out.
fn runs_in_transaction(metadata: Option<&str>) -> bool {
    let Some(text) = metadata else { return true };
    match toml_edit::ImDocument::parse(text) {
        Ok(t) => t.get("run_in_transaction").and_then(|v| v.as_bool()).unwrap_or(true),
        // diesel refuses a metadata.toml it cannot read; the migration is then not run at all.
        Err(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{errors, ids};
    use crate::migrations::{discover, MigrationSource, SourceFile, TxMode};

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
    fn diesel_ignores_loose_files_and_says_so() {
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
    }

    #[test]
    fn metadata_toml_opts_out_of_the_transaction() {
        let src = MigrationSource::new(
            "m",
            vec![
                SourceFile::new("1_a/up.sql", "x"),
                SourceFile::new("1_a/metadata.toml", "run_in_transaction = false\n"),
                SourceFile::new("2_b/up.sql", "x"),
                SourceFile::new("2_b/metadata.toml", "run_in_transaction = true\n"),
                SourceFile::new("3_c/up.sql", "x"),
                SourceFile::new("3_c/metadata.toml", "not toml ["),
            ],
        );
        let (m, d) = discover(&src);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(m.iter().map(|m| m.transaction).collect::<Vec<_>>(), [TxMode::Outside, TxMode::Wrapped, TxMode::Wrapped]);
    }
}
