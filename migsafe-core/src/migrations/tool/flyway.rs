//! Flyway: `V<version>__<name>.sql` (versions of dot- or underscore-separated
//! numbers, `2`, `02`, `2.0` and `2_0` one version), `U<version>__` undo
//! scripts, `R__<name>` repeatables after every versioned one; a migration
//! runs outside a transaction when each of its statements needs that. It
//! ignores files not named so. refinery reads the same names.

use super::common::{digits, Half, Key, Name, TxCx};
use super::{Layout, MigrationTool, TxMode};

pub static FLYWAY: MigrationTool = MigrationTool {
    id: "flyway",
    layout: Layout("flyway"),
    names: "flyway",
    claims_folder,
    claims_file: super::no_file,
    configurable: true,
    ignores,
    parse,
    halves: super::whole,
    transaction,
    wraps: "Flyway runs a migration in a transaction unless every statement in it must run outside one",
    run_outside: "move it to a migration of its own (Flyway then runs it outside a transaction; refinery needs it run by hand)",
    refuses: REFUSED,
    example: &[
        ("V1__create.sql", "CREATE TABLE a (id int);"),
        ("U1__create.sql", "DROP TABLE a;"),
        ("V1.1__more.sql", "SELECT 1;"),
        ("R__views.sql", "SELECT 1;"),
    ],
};

pub const REFUSED: (&str, &str) = ("Flyway and refinery refuse", " (Flyway reads V2, V02, V2.0 and V2_0 as one version)");

/// Any `V<n>__<name>.sql` (or undo, or repeatable) at the top of the folder.
pub fn claims_folder(rels: &[&str]) -> bool {
    rels.iter().any(|r| !r.contains('/') && parse(&[r]).is_some())
}

pub fn ignores(parts: &[&str]) -> Option<&'static str> {
    match parts {
        [_] if parse(parts).is_some() => None,
        [_] => Some("Flyway and refinery read only `V<n>__<name>.sql` (and `U<n>__`, `R__`) files: ignored"),
        _ => None,
    }
}

/// Flyway's version identity: `2`, `02`, `2.0` and `2_0` are one version.
fn version_key(parts: &[u128]) -> String {
    let mut p = parts.to_vec();
    while p.len() > 1 && p.last() == Some(&0) {
        p.pop();
    }
    p.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(".")
}

/// `V1__x`, `V1.2__x`, `V1_2__x`, `U1__x`, `R__x` (any case of the prefix).
pub fn parse(parts: &[&str]) -> Option<Name> {
    let [file] = parts else { return None };
    let stem = file.strip_suffix(".sql")?;
    let first = stem.chars().next()?;
    if !matches!(first, 'V' | 'U' | 'R' | 'v' | 'u' | 'r') {
        return None;
    }
    let (ver, name) = stem[1..].split_once("__")?;
    let (pair, repeatable, parts, half) = if first.eq_ignore_ascii_case(&'R') && ver.is_empty() {
        (format!("R__{name}"), true, vec![], Half::Up)
    } else {
        let parts: Vec<u128> = ver.split(['.', '_']).map(digits).collect::<Option<_>>()?;
        let half = if first.eq_ignore_ascii_case(&'U') { Half::Down } else { Half::Up };
        (format!("V{}", version_key(&parts)), false, parts, half)
    };
    let key = Key { repeatable, parts, text: name.to_string() };
    Some(Name { pair, duplicate_key: key.clone(), key, version: ver.to_string(), name: name.to_string(), half })
}

fn transaction(cx: &TxCx) -> TxMode {
    if cx.configured {
        TxMode::OutsideWhenAllNeedIt
    } else {
        // refinery reads these names too, and runs them otherwise.
        TxMode::Unknown
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{errors, ids};
    use crate::migrations::{discover, Layout, MigrationSource, SourceFile, TxMode};

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
    fn duplicate_versions_are_errors_naming_both_files_and_both_are_kept() {
        // V2, V02, V2.0 and V2_0 are one version.
        let (m, d) = ids(&[("V1__a.sql", "x"), ("V2__b.sql", "x"), ("V02__c.sql", "x"), ("V2.0__d.sql", "x"), ("V2_0__e.sql", "x"), ("V2.1__f.sql", "x")]);
        assert_eq!(m.len(), 6, "{m:?}");
        let e = errors(&d);
        assert_eq!(e.len(), 3, "{e:?}");
        assert!(e.iter().all(|e| e.contains("migrations/V2__b.sql") && e.contains("Flyway and refinery refuse")), "{e:?}");
        assert!(e.iter().any(|e| e.starts_with("migrations/V02__c.sql:1:1: error:")), "{e:?}");
        let (_, d) = ids(&[("V2__a.sql", "x"), ("U2__a.sql", "x"), ("U2__b.sql", "x")]);
        assert_eq!(errors(&d).len(), 1, "{d:?}");
    }

    #[test]
    fn unnamed_the_transaction_mode_is_unknown() {
        let files = vec![SourceFile::new("V1__a.sql", "CREATE INDEX CONCURRENTLY i ON a (b);")];
        let (m, _) = discover(&MigrationSource::new("m", files.clone()));
        assert_eq!((m[0].layout, m[0].transaction), (Layout("flyway"), TxMode::Unknown));
        let (m, _) = discover(&MigrationSource::new("m", files).with_tool(Some(super::FLYWAY.tool())));
        assert_eq!((m[0].layout, m[0].transaction), (Layout("flyway"), TxMode::OutsideWhenAllNeedIt));
    }
}
