//! dbmate: sqlx's names, both directions in one file behind `-- migrate:up`
//! and `-- migrate:down`; each migration in a transaction unless marked
//! `-- migrate:up transaction:false`. A file with those sections is dbmate's
//! in any folder of sqlx's names.

use super::common::{Half, Section, TxCx};
use super::{sqlx, Layout, MigrationTool, TxMode};

pub static DBMATE: MigrationTool = MigrationTool {
    id: "dbmate",
    layout: Layout("dbmate"),
    names: "sqlx",
    claims_folder: sqlx::any_folder,
    claims_file,
    configurable: false,
    ignores: sqlx::reads_all,
    parse: sqlx::parse_versioned,
    halves,
    transaction,
    wraps: "dbmate runs each migration in a transaction unless it is marked `-- migrate:up transaction:false`",
    run_outside: "mark the migration `-- migrate:up transaction:false` and keep only this statement in it",
    refuses: sqlx::REFUSED,
    example: &[("20240101000000_a.sql", "-- migrate:up\nCREATE TABLE a (id int);\n\n-- migrate:down\nDROP TABLE a;\n")],
};

fn is_up_marker(line: &str) -> bool {
    line.trim().starts_with("-- migrate:up")
}

/// A `<version>_<name>.sql` file with a `-- migrate:up` section.
fn claims_file(parts: &[&str], text: &str) -> bool {
    sqlx::parse_versioned(parts).is_some_and(|n| n.half == Half::Whole) && text.lines().any(is_up_marker)
}

fn halves(text: &str) -> (Section, Option<Section>) {
    sections(text).unwrap_or_else(|| super::whole(text))
}

/// The up and down sections with their first lines; `None` without `-- migrate:up`.
fn sections(text: &str) -> Option<(Section, Option<Section>)> {
    let mut up: Option<Section> = None;
    let mut down: Option<Section> = None;
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

fn transaction(cx: &TxCx) -> TxMode {
    if cx.file.lines().any(|l| is_up_marker(l) && l.contains("transaction:false")) {
        TxMode::Outside
    } else {
        TxMode::Wrapped
    }
}

#[cfg(test)]
mod tests {
    use crate::migrations::{discover, Layout, MigrationSource, SourceFile, TxMode};

    #[test]
    fn dbmate_sections_keep_their_lines() {
        let src = MigrationSource::new(
            "db/migrations",
            vec![SourceFile::new("20240101_x.sql", "-- migrate:up\nCREATE TABLE a (id int);\n\n-- migrate:down\nDROP TABLE a;\n")],
        );
        let (m, d) = discover(&src);
        assert!(d.is_empty());
        assert_eq!(m[0].layout, Layout("dbmate"));
        assert_eq!(m[0].transaction, TxMode::Wrapped);
        assert_eq!(m[0].up.first_line, 2);
        let down = m[0].down.as_ref().unwrap();
        assert_eq!(down.first_line, 5);
        assert_eq!(down.text.trim(), "DROP TABLE a;");
        assert_eq!(down.path, "db/migrations/20240101_x.sql");
    }

    #[test]
    fn transaction_false_opts_out_and_a_file_without_sections_is_sqlx() {
        let src = MigrationSource::new(
            "m",
            vec![
                SourceFile::new("1_a.sql", "-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY i ON a (b);\n"),
                SourceFile::new("2_b.sql", "CREATE TABLE b (id int);"),
            ],
        );
        let (m, d) = discover(&src);
        assert!(d.is_empty());
        assert_eq!(m.iter().map(|m| (m.layout, m.transaction)).collect::<Vec<_>>(), [(Layout("dbmate"), TxMode::Outside), (Layout("sqlx"), TxMode::Wrapped)]);
        assert!(m[0].down.is_none());
    }
}
