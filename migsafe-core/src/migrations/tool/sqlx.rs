//! sqlx: `<version>_<name>.sql`, or `<version>_<name>.up.sql` with its
//! `.down.sql`; the version is a number (`1` and `01` are one version); each
//! migration in a transaction unless its first line is `-- no-transaction`.
//! golang-migrate and dbmate read the same names.

use super::common::{digits, Half, Key, Name, TxCx};
use super::{Layout, MigrationTool, TxMode};

pub static SQLX: MigrationTool = MigrationTool {
    id: "sqlx",
    layout: Layout("sqlx"),
    names: "sqlx",
    claims_folder: any_folder,
    claims_file: super::no_file,
    configurable: true,
    ignores: reads_all,
    parse: parse_versioned,
    halves: super::whole,
    transaction,
    wraps: "sqlx runs each migration in a transaction unless its first line is `-- no-transaction`",
    run_outside: "make `-- no-transaction` its first line and move every other statement to another migration",
    refuses: REFUSED,
    example: &[
        ("20231201000000_init.sql", "CREATE TABLE a (id int);"),
        ("20240220000000_t.up.sql", "ALTER TABLE a ADD b int;"),
        ("20240220000000_t.down.sql", "ALTER TABLE a DROP b;"),
    ],
};

/// The tools of these names refuse a second migration with one version.
pub const REFUSED: (&str, &str) = ("sqlx, golang-migrate and dbmate refuse", "");

/// Any folder the more particular tools do not claim.
pub fn any_folder(_: &[&str]) -> bool {
    true
}

/// sqlx, golang-migrate and dbmate say nothing of the files they do not run.
pub fn reads_all(_: &[&str]) -> Option<&'static str> {
    None
}

/// `<digits>_<name>[.up|.down].sql` at the top of the folder.
pub fn parse_versioned(parts: &[&str]) -> Option<Name> {
    let [file] = parts else { return None };
    let stem = file.strip_suffix(".sql")?;
    let (body, half) = if let Some(b) = stem.strip_suffix(".up") {
        (b, Half::Up)
    } else if let Some(b) = stem.strip_suffix(".down") {
        (b, Half::Down)
    } else {
        (stem, Half::Whole)
    };
    let (ver, name) = body.split_once('_').unwrap_or((body, ""));
    let num = digits(ver)?;
    Some(Name {
        // The version is read as a number: `1` and `01` are one version.
        pair: format!("{num:040}"),
        key: Key { repeatable: false, parts: vec![num], text: ver.to_string() },
        duplicate_key: Key { repeatable: false, parts: vec![num], text: file.to_string() },
        version: ver.to_string(),
        name: name.to_string(),
        half,
    })
}

fn transaction(cx: &TxCx) -> TxMode {
    if cx.up.trim_start().starts_with("-- no-transaction") {
        TxMode::Outside
    } else {
        TxMode::Wrapped
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{errors, ids};
    use crate::migrations::{discover, MigrationSource, SourceFile, TxMode};

    #[test]
    fn sqlx_reversible_golang_migrate_and_simple() {
        let (m, _) = ids(&[("20240220000000_t.down.sql", "x"), ("20240220000000_t.up.sql", "x"), ("20231201000000_i.sql", "x"), ("3_c.up.sql", "x")]);
        assert_eq!(m, ["3_c.up.sql", "20231201000000_i.sql", "20240220000000_t.up.sql+down"]);
    }

    #[test]
    fn duplicate_versions_are_errors_naming_both_files_and_both_are_kept() {
        let (m, d) = ids(&[("1_a.sql", "DROP TABLE a;"), ("1_b.sql", "DROP TABLE b;")]);
        assert_eq!(m, ["1_a.sql", "1_b.sql"]);
        let e = errors(&d);
        assert_eq!(e.len(), 1);
        assert!(e[0].contains("migrations/1_b.sql") && e[0].contains("migrations/1_a.sql") && e[0].contains("sqlx, golang-migrate and dbmate refuse"), "{e:?}");
        let (m, d) = ids(&[("1_a.up.sql", "x"), ("1_a.down.sql", "x"), ("01_b.up.sql", "x"), ("01_b.down.sql", "x")]);
        assert_eq!(m.len(), 2, "{m:?}");
        assert_eq!(errors(&d).len(), 2, "{d:?}");
        // Up and down of one version are no duplicate.
        let (_, d) = ids(&[("1_a.up.sql", "x"), ("1_a.down.sql", "x"), ("2_b.sql", "x")]);
        assert!(d.is_empty(), "{d:?}");
    }

    #[test]
    fn no_transaction_on_the_first_line_opts_out() {
        let src = MigrationSource::new(
            "m",
            vec![
                SourceFile::new("1_a.sql", "\n-- no-transaction\nCREATE INDEX CONCURRENTLY i ON a (b);"),
                SourceFile::new("2_b.sql", "SELECT 1;\n-- no-transaction"),
            ],
        );
        let (m, d) = discover(&src);
        assert!(d.is_empty());
        assert_eq!(m.iter().map(|m| m.transaction).collect::<Vec<_>>(), [TxMode::Outside, TxMode::Wrapped]);
    }
}
