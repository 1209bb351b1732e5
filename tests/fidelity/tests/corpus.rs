//! Real-world histories from `../shared/corpus`, applied on the real engines.

mod common;

use common::{compare_history, compare_history_with};
use migsafe_core::Dialect;
use migsafe_fidelity::corpus_dir;

#[test]
fn lemmy_postgres() {
    let Some(corpus) = corpus_dir() else { return };
    let Some(c) = compare_history(Dialect::Postgres, &corpus.join("lemmy-postgres")) else { return };
    assert_eq!(c.history.migrations.len(), 247);
    // The corpus README counts schema `public`; lemmy also keeps `utils.deps_saved_ddl`.
    let public: Vec<_> = c.engine.iter().filter(|(t, _)| !t.contains('.')).collect();
    let public_columns: usize = public.iter().map(|(_, cols)| cols.len()).sum();
    assert_eq!((public.len(), public_columns), (75, 523));
    assert_eq!((c.tables, c.columns), (76, 527));
}

#[test]
fn vaultwarden_postgresql() {
    let Some(corpus) = corpus_dir() else { return };
    let Some(c) = compare_history(Dialect::Postgres, &corpus.join("vaultwarden/postgresql")) else { return };
    assert_eq!((c.tables, c.columns), (28, 214));
}

#[test]
fn vaultwarden_mysql() {
    let Some(corpus) = corpus_dir() else { return };
    // vaultwarden turns foreign key checks off for its MySQL migrations (its
    // first ones reference tables created later in the same script).
    let _ = compare_history_with(Dialect::Mysql, &corpus.join("vaultwarden/mysql"), "SET FOREIGN_KEY_CHECKS = 0");
}

#[test]
fn vaultwarden_sqlite() {
    let Some(corpus) = corpus_dir() else { return };
    let _ = compare_history(Dialect::Sqlite, &corpus.join("vaultwarden/sqlite"));
}
