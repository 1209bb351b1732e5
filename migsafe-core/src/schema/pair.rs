//! Both revisions' histories with the work shared: N-1's applied migrations
//! are, in the usual case, byte for byte the first ones of N's, so they are
//! parsed and applied once and N-1's schema is the snapshot taken after them.

use super::apply::apply_migrations;
use super::{apply_script, History, MigrationEvents, Schema};
use crate::migrations::{discover, MigrationSource};
use crate::Dialect;

/// The histories of `head` and `base` (N and N-1), as [`super::analyze`]
/// builds each, with one pass over the migrations they share.
///
/// When N-1's migrations, as discovered, equal (same files, texts, order,
/// undo scripts and transaction modes) the first of N's, N-1's history is
/// N's after those migrations. Otherwise (a migration edited, removed or
/// inserted before an applied one) each is built on its own.
pub fn analyze_both(dialect: Dialect, head: &MigrationSource, base: &MigrationSource) -> (History, History) {
    let (head_migrations, head_found) = discover(head);
    let (base_migrations, base_found) = discover(base);
    let shared = base_migrations.len();
    if shared > head_migrations.len() || base_migrations.iter().zip(&head_migrations).any(|(b, h)| b != h) {
        return (apply_migrations(dialect, head_migrations, head_found), apply_migrations(dialect, base_migrations, base_found));
    }
    let mut schema = Schema::new(dialect);
    let mut events = Vec::with_capacity(head_migrations.len());
    let mut head_diags = head_found;
    let mut base_diags = base_found;
    let mut base_schema = (shared == 0).then(|| schema.clone());
    for (i, m) in head_migrations.iter().enumerate() {
        let (ev, diags) = apply_script(&mut schema, &m.up);
        if i < shared {
            base_diags.extend(diags.iter().cloned());
        }
        head_diags.extend(diags);
        events.push(MigrationEvents { migration: i, events: std::sync::Arc::new(ev) });
        if i + 1 == shared {
            base_schema = Some(schema.clone());
        }
    }
    let base = History {
        migrations: base_migrations,
        schema: base_schema.unwrap_or_else(|| Schema::new(dialect)),
        events: events[..shared].to_vec(),
        diagnostics: base_diags,
    };
    (History { migrations: head_migrations, schema, events, diagnostics: head_diags }, base)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migrations::SourceFile;
    use crate::schema::analyze;

    fn src(files: &[(&str, &str)]) -> MigrationSource {
        MigrationSource::new("migrations", files.iter().map(|(p, t)| SourceFile::new(*p, *t)).collect())
    }

    /// What the shared pass gives is what two separate passes give.
    fn same_as_apart(head: &[(&str, &str)], base: &[(&str, &str)]) {
        let (h, b) = analyze_both(Dialect::Postgres, &src(head), &src(base));
        for (shared, apart) in [(&h, analyze(Dialect::Postgres, &src(head))), (&b, analyze(Dialect::Postgres, &src(base)))] {
            assert_eq!(shared.migrations, apart.migrations);
            assert_eq!(format!("{:?}", shared.schema), format!("{:?}", apart.schema));
            assert_eq!(format!("{:?}", shared.events), format!("{:?}", apart.events));
            assert_eq!(shared.diagnostics, apart.diagnostics);
        }
    }

    const V1: (&str, &str) = ("V1__t.sql", "CREATE TABLE t (id INT PRIMARY KEY, s TEXT);");
    const V2: (&str, &str) = ("V2__u.sql", "ALTER TABLE t ADD COLUMN u INT;\nALTER TABLE nope ADD COLUMN x INT;");
    const V3: (&str, &str) = ("V3__d.sql", "ALTER TABLE t DROP COLUMN s;");

    #[test]
    fn a_prefix_is_shared_and_equals_two_passes() {
        same_as_apart(&[V1, V2, V3], &[V1, V2]);
        same_as_apart(&[V1, V2, V3], &[V1]);
        same_as_apart(&[V1, V2, V3], &[]);
        same_as_apart(&[V1, V2], &[V1, V2]);
    }

    #[test]
    fn an_edited_removed_or_inserted_migration_is_built_apart() {
        // Edited: N-1's V2 differs from N's.
        same_as_apart(&[V1, V2, V3], &[V1, ("V2__u.sql", "ALTER TABLE t ADD COLUMN w INT;")]);
        // Removed at N.
        same_as_apart(&[V1, V3], &[V1, V2]);
        // N inserts a migration before one N-1 applied.
        same_as_apart(&[V1, ("V1_5__x.sql", "ALTER TABLE t ADD COLUMN x INT;"), V2], &[V1, V2]);
        // N-1 has more than N.
        same_as_apart(&[V1], &[V1, V2, V3]);
    }

    #[test]
    fn the_base_keeps_only_the_diagnostics_of_its_migrations() {
        let (h, b) = analyze_both(Dialect::Postgres, &src(&[V1, V2, ("V3__bad.sql", "ALTER TABLE gone DROP COLUMN y;")]), &src(&[V1, V2]));
        assert!(h.diagnostics.len() > b.diagnostics.len(), "{:?} / {:?}", h.diagnostics, b.diagnostics);
        assert!(b.diagnostics.iter().all(|d| !d.location.file.contains("V3")), "{:?}", b.diagnostics);
    }
}
