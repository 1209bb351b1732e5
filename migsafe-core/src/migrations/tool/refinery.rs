//! refinery: Flyway's names (`V<n>__<name>.sql`, ignoring other files),
//! told from Flyway only by `tool = "refinery"`; each migration in a transaction.

use super::common::TxCx;
use super::{flyway, Layout, MigrationTool, TxMode};

pub static REFINERY: MigrationTool = MigrationTool {
    id: "refinery",
    layout: Layout("flyway"),
    names: "flyway",
    claims_folder: flyway::claims_folder,
    claims_file: super::no_file,
    configurable: true,
    ignores: flyway::ignores,
    parse: flyway::parse,
    halves: super::whole,
    transaction,
    wraps: "refinery runs each migration in a transaction",
    run_outside: "move it to a migration of its own (Flyway then runs it outside a transaction; refinery needs it run by hand)",
    refuses: flyway::REFUSED,
    example: &[("V1__create.sql", "CREATE TABLE a (id int);"), ("V2__more.sql", "ALTER TABLE a ADD b int;")],
};

fn transaction(cx: &TxCx) -> TxMode {
    if cx.configured {
        TxMode::Wrapped
    } else {
        // Flyway reads these names too, and runs them otherwise.
        TxMode::Unknown
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{errors, ids};
    use crate::migrations::{discover, Layout, MigrationSource, SourceFile, TxMode};

    #[test]
    fn refinery_ignores_loose_files_and_says_so() {
        let (m, d) = ids(&[("V1__a.sql", "x"), ("seed.sql", "x"), ("2_sqlx_style.sql", "x")]);
        assert_eq!(m, ["V1__a.sql"]);
        assert!(errors(&d).is_empty() && d.len() == 2, "{d:?}");
    }

    #[test]
    fn configured_each_migration_is_wrapped() {
        let (m, d) = discover(&MigrationSource::new("m", vec![SourceFile::new("V1__a.sql", "x")]).with_tool(Some(super::REFINERY.tool())));
        assert!(d.is_empty());
        assert_eq!((m[0].layout, m[0].transaction), (Layout("flyway"), TxMode::Wrapped));
    }
}
