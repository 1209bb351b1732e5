//! Constraints: a table's primary key, unique keys, foreign keys and
//! checks, from CREATE TABLE or ALTER TABLE ADD / DROP / VALIDATE
//! CONSTRAINT, with what a CHECK proves NOT NULL.

use super::Ctx;
use crate::ident::ident;
use crate::schema::events::ConstraintKind;
use crate::schema::{Change, CheckConstraint, ForeignKey, Table};
use crate::Dialect;
use sqlparser::ast::{Expr, Ident, TableConstraint};

/// The columns a CHECK expression proves NOT NULL: `c IS NOT NULL`, and each side of an AND.
pub(super) fn not_null_columns(d: Dialect, e: &Expr) -> Vec<String> {
    match e {
        Expr::IsNotNull(inner) => match inner.as_ref() {
            Expr::Identifier(i) => vec![ident(d, i)],
            Expr::CompoundIdentifier(parts) => parts.last().map(|i| vec![ident(d, i)]).unwrap_or_default(),
            _ => Vec::new(),
        },
        Expr::Nested(inner) => not_null_columns(d, inner),
        Expr::BinaryOp { left, op: sqlparser::ast::BinaryOperator::And, right } => {
            let mut v = not_null_columns(d, left);
            v.extend(not_null_columns(d, right));
            v
        }
        _ => Vec::new(),
    }
}

impl Ctx<'_> {
    pub(super) fn table_constraint(&mut self, table: &mut Table, c: &TableConstraint) -> Option<(ConstraintKind, Vec<String>)> {
        let d = self.d();
        let cols_of = |cols: &[sqlparser::ast::IndexColumn]| -> Vec<String> {
            cols.iter()
                .filter_map(|ic| match &ic.column.expr {
                    Expr::Identifier(i) => Some(ident(d, i)),
                    _ => None,
                })
                .collect()
        };
        match c {
            TableConstraint::PrimaryKey(pk) => {
                let cols = cols_of(&pk.columns);
                if self.sem().primary_key_is_not_null() {
                    for name in &cols {
                        if let Some(col) = table.column_mut(name) {
                            col.nullable = false;
                        }
                    }
                }
                table.primary_key = cols.clone();
                Some((ConstraintKind::PrimaryKey, cols))
            }
            TableConstraint::Unique(u) => {
                let cols = cols_of(&u.columns);
                table.unique.push(cols.clone());
                Some((ConstraintKind::Unique, cols))
            }
            TableConstraint::ForeignKey(fk) => {
                let cols: Vec<String> = fk.columns.iter().map(|i| ident(d, i)).collect();
                table.foreign_keys.push(ForeignKey {
                    name: fk.name.as_ref().map(|n| ident(d, n)),
                    columns: cols.clone(),
                    references: self.name(&fk.foreign_table),
                    referred_columns: fk.referred_columns.iter().map(|c| ident(d, c)).collect(),
                });
                Some((ConstraintKind::ForeignKey, cols))
            }
            TableConstraint::Check(ch) => {
                // Validated unless `add_constraint` learns it was added NOT VALID.
                table.checks.push(CheckConstraint {
                    name: ch.name.as_ref().map(|n| ident(d, n)),
                    text: ch.expr.to_string(),
                    proves_not_null: not_null_columns(d, &ch.expr),
                    validated: true,
                });
                Some((ConstraintKind::Check, vec![]))
            }
            _ => None,
        }
    }

    /// `ALTER TABLE … ADD CONSTRAINT … [NOT VALID]`.
    pub(super) fn add_constraint(&mut self, key: &str, constraint: &TableConstraint, not_valid: bool) {
        let d = self.d();
        let mut table = match self.schema.tables.remove(key) {
            Some(t) => t,
            None => return,
        };
        let res = self.table_constraint(&mut table, constraint);
        if not_valid && matches!(constraint, TableConstraint::Check(_)) {
            if let Some(c) = table.checks.last_mut() {
                c.validated = false;
            }
        }
        self.schema.tables.insert(key.to_string(), table);
        let using_index = constraint.to_string().to_uppercase().contains("USING INDEX");
        let name = match constraint {
            TableConstraint::Unique(c) => c.name.as_ref(),
            TableConstraint::PrimaryKey(c) => c.name.as_ref(),
            TableConstraint::ForeignKey(c) => c.name.as_ref(),
            TableConstraint::Check(c) => c.name.as_ref(),
            _ => None,
        }
        .map(|n| ident(d, n));
        let proves_not_null = match constraint {
            TableConstraint::Check(c) => not_null_columns(d, &c.expr),
            _ => Vec::new(),
        };
        match res {
            Some((kind, columns)) => {
                self.changes.push(Change::ConstraintAdded { table: key.to_string(), constraint: kind, columns, not_valid, using_index, name, proves_not_null })
            }
            None => self.no_effect("constraint"),
        }
    }

    /// `ALTER TABLE … DROP CONSTRAINT name`.
    pub(super) fn drop_constraint(&mut self, key: &str, name: &Ident) {
        let n = ident(self.d(), name);
        if let Some(t) = self.schema.tables.get_mut(key) {
            t.foreign_keys.retain(|f| f.name.as_deref() != Some(n.as_str()));
            t.checks.retain(|c| c.name.as_deref() != Some(n.as_str()));
            if n == format!("{}_pkey", crate::ident::base_name(key)) {
                t.primary_key.clear();
            }
        }
        self.changes.push(Change::ConstraintDropped { table: key.to_string(), name: n });
    }

    /// MySQL `ALTER TABLE … DROP PRIMARY KEY`.
    pub(super) fn drop_primary_key(&mut self, key: &str) {
        if let Some(t) = self.schema.tables.get_mut(key) {
            t.primary_key.clear();
        }
        self.changes.push(Change::ConstraintDropped { table: key.to_string(), name: "PRIMARY KEY".into() });
    }

    /// MySQL `ALTER TABLE … DROP FOREIGN KEY name`.
    pub(super) fn drop_foreign_key(&mut self, key: &str, name: &Ident) {
        let n = ident(self.d(), name);
        if let Some(t) = self.schema.tables.get_mut(key) {
            t.foreign_keys.retain(|f| f.name.as_deref() != Some(n.as_str()));
        }
        self.changes.push(Change::ConstraintDropped { table: key.to_string(), name: n });
    }

    /// `ALTER TABLE … VALIDATE CONSTRAINT name`.
    pub(super) fn validate_constraint(&mut self, key: &str, name: &Ident) {
        let name = ident(self.d(), name);
        if let Some(c) = self.schema.tables.get_mut(key).and_then(|t| t.checks.iter_mut().find(|c| c.name.as_deref() == Some(name.as_str()))) {
            c.validated = true;
        }
        self.changes.push(Change::ConstraintValidated { table: key.to_string(), name });
    }
}
