//! The live database differs from the schema the migrations build: found by
//! `cargo migsafe verify` ([`crate::live::drift`]), never by `check`, which
//! reads no database.

use super::{Category, RuleMeta};
use crate::diag::Severity;

pub static META: RuleMeta = RuleMeta {
    id: "schema-drift",
    category: Category::Live,
    dialects: &crate::Dialect::ALL,
    severity: Severity::Error,
    summary: "the live database differs from the schema the migrations build (reported by `verify`)",
    explain: "\
`check` proves compatibility on the schema the migrations build. That proof
holds for a real database only if the database *is* that schema. `cargo
migsafe verify --database-url URL` reads the live catalog (one query per kind
of object) and compares it with the model of the revision's migrations: every
table, view, column (type, nullability, default), enum type and value (and
MySQL's inline `ENUM(...)` values), and index. Each difference names the
migration that should have made the object as the model has it, or says that
no migration makes what the database has: an index or a column added by hand,
a hot fix run in psql, a migration that failed half way. An index no
migration creates is a warning (it changes no query's result); every other
difference is an error.

Instead: make the database and the migrations agree. Write the migration
that makes the hand-made change (so every database built from the
migrations has it), or undo the change on the database; re-run a migration
that failed half way.",
};

#[cfg(test)]
mod tests {
    use crate::live::drift::drift;
    use crate::live::{CatalogColumn, CatalogIndex, LiveCatalog};
    use crate::migrations::{MigrationSource, SourceFile};
    use crate::schema::analyze;
    use crate::Dialect;

    #[test]
    fn a_column_added_by_hand_is_schema_drift_and_an_index_made_by_hand_a_warning() {
        let src = MigrationSource::new("migrations", vec![SourceFile::new("V1__t.sql", "CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT NOT NULL);")]);
        let h = analyze(Dialect::Sqlite, &src);
        let col = |c: &str, ty: &str, pk: bool| CatalogColumn {
            schema: String::new(),
            table: "t".into(),
            view: false,
            column: c.into(),
            data_type: ty.into(),
            enum_type: None,
            nullable: !pk && c != "s",
            has_default: false,
            identity: pk,
            generated: false,
        };
        let live = LiveCatalog {
            dialect: Dialect::Sqlite,
            columns: vec![col("id", "INTEGER", true), col("s", "TEXT", false), col("note", "TEXT", false)],
            enums: Vec::new(),
            indexes: vec![CatalogIndex {
                schema: String::new(),
                table: "t".into(),
                name: "t_s".into(),
                columns: vec!["s".into()],
                unique: false,
                primary: false,
            }],
            defaults: Vec::new(),
        };
        let found = drift(&h, &live);
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(found.iter().all(|f| f.rule == super::META.id));
        assert_eq!((found[0].column.as_deref(), found[0].severity), (Some("note"), crate::Severity::Error));
        assert!(found[0].message.contains("no migration adds it"), "{}", found[0].message);
        assert_eq!(found[1].severity, crate::Severity::Warning);
        assert!(found[1].message.contains("index `t_s`"), "{}", found[1].message);
    }
}
