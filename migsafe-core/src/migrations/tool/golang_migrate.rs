//! golang-migrate: sqlx's names (`<version>_<name>.up.sql` / `.down.sql`),
//! told from sqlx only by `tool = "golang-migrate"`; each file is sent to the
//! database as one query.

use super::common::TxCx;
use super::{sqlx, Layout, MigrationTool, TxMode};

pub static GOLANG_MIGRATE: MigrationTool = MigrationTool {
    id: "golang-migrate",
    layout: Layout("golang-migrate"),
    names: "sqlx",
    claims_folder: sqlx::any_folder,
    claims_file: super::no_file,
    configurable: true,
    ignores: sqlx::reads_all,
    parse: sqlx::parse_versioned,
    halves: super::whole,
    transaction,
    wraps: "golang-migrate sends each file as one query, which PostgreSQL runs in one implicit transaction when it holds several statements",
    run_outside: "move it to a migration file of its own: golang-migrate sends a one-statement file outside a transaction",
    refuses: sqlx::REFUSED,
    example: &[("1_init.up.sql", "CREATE TABLE a (id int);"), ("1_init.down.sql", "DROP TABLE a;")],
};

/// One query: PostgreSQL runs several statements in one implicit transaction, one statement outside any.
fn transaction(_: &TxCx) -> TxMode {
    TxMode::OneQuery
}

#[cfg(test)]
mod tests {
    use crate::migrations::{discover, Layout, MigrationSource, SourceFile, TxMode};

    #[test]
    fn only_the_configuration_tells_golang_migrate_from_sqlx() {
        let files = vec![SourceFile::new("1_a.up.sql", "CREATE TABLE a (id int);"), SourceFile::new("1_a.down.sql", "DROP TABLE a;")];
        let (m, _) = discover(&MigrationSource::new("m", files.clone()));
        assert_eq!((m[0].layout, m[0].transaction), (Layout("sqlx"), TxMode::Wrapped));
        let (m, d) = discover(&MigrationSource::new("m", files).with_tool(Some(super::GOLANG_MIGRATE.tool())));
        assert!(d.is_empty());
        assert_eq!((m[0].layout, m[0].transaction), (Layout("golang-migrate"), TxMode::OneQuery));
        assert!(m[0].down.is_some());
    }
}
