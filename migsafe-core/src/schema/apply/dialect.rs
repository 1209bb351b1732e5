//! What differs between databases when a statement changes the schema.
//!
//! One [`Semantics`] per dialect: a rule such as "a PRIMARY KEY makes its
//! columns NOT NULL" or "a view of one table is updatable" is a method
//! here, answered per database, not an `if d == …` in the middle of a change.

use crate::Dialect;

/// A database's rules for what a definition means, as the model needs them.
pub(super) trait Semantics {
    /// Whether a column of this type (as written, upper-cased) is a serial:
    /// an auto-incrementing NOT NULL column.
    fn is_serial(&self, written_upper: &str) -> bool;
    /// Whether `GENERATED ALWAYS | BY DEFAULT AS IDENTITY` makes the column NOT NULL.
    fn identity_is_not_null(&self) -> bool;
    /// Whether an auto-incrementing column is NOT NULL whatever it says.
    fn auto_increment_is_not_null(&self) -> bool;
    /// Whether a PRIMARY KEY makes its columns NOT NULL (SQLite's rowid
    /// tables let a key column hold NULL, for compatibility).
    fn primary_key_is_not_null(&self) -> bool;
    /// Whether tables have a rowid: a one-column `INTEGER PRIMARY KEY` is
    /// that rowid (the database fills it), and `WITHOUT ROWID` makes the
    /// key an ordinary NOT NULL one.
    fn has_rowid(&self) -> bool;
    /// Whether the database makes a simple one-table view updatable by itself.
    fn simple_views_are_updatable(&self) -> bool;
    /// Whether a trigger that says neither FOR EACH ROW nor STATEMENT is a
    /// row trigger that can fill `NEW`'s columns.
    fn triggers_are_per_row(&self) -> bool;
    /// Why the database refuses `SET`, when it has none.
    fn refuses_set(&self) -> Option<&'static str>;
    /// Whether the catalog shows a column's type exactly as declared (and
    /// takes any run of words as one), so the declared text is kept.
    fn keeps_declared_types(&self) -> bool;
}

/// The rules of `d`.
pub(super) fn semantics(d: Dialect) -> &'static dyn Semantics {
    match d {
        Dialect::Postgres => &Postgres,
        Dialect::Mysql => &Mysql,
        Dialect::Sqlite => &Sqlite,
    }
}

struct Postgres;
struct Mysql;
struct Sqlite;

impl Semantics for Postgres {
    /// `serial`, `bigserial`, `smallserial` (`serial4`, `serial8`, …).
    fn is_serial(&self, written_upper: &str) -> bool {
        written_upper.contains("SERIAL")
    }
    fn identity_is_not_null(&self) -> bool {
        true
    }
    fn auto_increment_is_not_null(&self) -> bool {
        false
    }
    fn primary_key_is_not_null(&self) -> bool {
        true
    }
    fn has_rowid(&self) -> bool {
        false
    }
    fn simple_views_are_updatable(&self) -> bool {
        true
    }
    /// PostgreSQL's default is FOR EACH STATEMENT.
    fn triggers_are_per_row(&self) -> bool {
        false
    }
    fn refuses_set(&self) -> Option<&'static str> {
        None
    }
    fn keeps_declared_types(&self) -> bool {
        false
    }
}

impl Semantics for Mysql {
    /// `SERIAL` is `BIGINT UNSIGNED NOT NULL AUTO_INCREMENT UNIQUE`.
    fn is_serial(&self, written_upper: &str) -> bool {
        written_upper == "SERIAL"
    }
    fn identity_is_not_null(&self) -> bool {
        false
    }
    fn auto_increment_is_not_null(&self) -> bool {
        true
    }
    fn primary_key_is_not_null(&self) -> bool {
        true
    }
    fn has_rowid(&self) -> bool {
        false
    }
    fn simple_views_are_updatable(&self) -> bool {
        true
    }
    /// MySQL's triggers are all row triggers.
    fn triggers_are_per_row(&self) -> bool {
        true
    }
    fn refuses_set(&self) -> Option<&'static str> {
        None
    }
    fn keeps_declared_types(&self) -> bool {
        false
    }
}

impl Semantics for Sqlite {
    fn is_serial(&self, _written_upper: &str) -> bool {
        false
    }
    fn identity_is_not_null(&self) -> bool {
        false
    }
    fn auto_increment_is_not_null(&self) -> bool {
        false
    }
    fn primary_key_is_not_null(&self) -> bool {
        false
    }
    fn has_rowid(&self) -> bool {
        true
    }
    /// SQLite views are read-only (short of INSTEAD OF triggers, which the model does not read).
    fn simple_views_are_updatable(&self) -> bool {
        false
    }
    /// SQLite runs every trigger per row, but its triggers cannot assign
    /// `NEW`: none fills a column, so none is kept.
    fn triggers_are_per_row(&self) -> bool {
        false
    }
    /// sqlite3 stops the migration there ("near \"SET\": syntax error").
    fn refuses_set(&self) -> Option<&'static str> {
        Some("SQLite has no SET statement (sqlite3 refuses it: near \"SET\": syntax error); its settings are PRAGMAs")
    }
    fn keeps_declared_types(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::semantics;
    use crate::Dialect;

    #[test]
    fn each_dialect_answers_for_itself() {
        let [pg, my, lite] = Dialect::ALL.map(semantics);
        assert!(pg.is_serial("BIGSERIAL") && !my.is_serial("BIGSERIAL") && my.is_serial("SERIAL") && !lite.is_serial("SERIAL"));
        assert!(pg.primary_key_is_not_null() && my.primary_key_is_not_null() && !lite.primary_key_is_not_null());
        assert!(lite.has_rowid() && lite.keeps_declared_types() && lite.refuses_set().is_some());
        assert!(!pg.triggers_are_per_row() && my.triggers_are_per_row());
    }
}
