//! Data changes in a migration: INSERT, UPDATE, DELETE (their target table,
//! the columns they write and the literal values, resolved by `footprint`)
//! and TRUNCATE.

use super::Ctx;
use crate::footprint::{analyze_statement, ColumnUse, TableAccess};
use crate::schema::events::DataVerb;
use crate::schema::Change;
use sqlparser::ast::{Statement, Truncate};

impl Ctx<'_> {
    pub(super) fn data(&mut self, s: &Statement) {
        let fp = analyze_statement(self.d(), self.schema, s);
        let (verb, whole) = match s {
            Statement::Insert(_) => (DataVerb::Insert, false),
            Statement::Update(u) => (DataVerb::Update, u.selection.is_none()),
            Statement::Delete(d) => (DataVerb::Delete, d.selection.is_none()),
            _ => return,
        };
        let access = match verb {
            DataVerb::Insert => TableAccess::Insert,
            DataVerb::Update => TableAccess::Update,
            DataVerb::Delete | DataVerb::Truncate => TableAccess::Delete,
        };
        let Some(table) = fp.tables.iter().find(|t| t.access == access).map(|t| t.table.clone()) else {
            self.unmodelled("data change", "the statement's target table is not in the schema model");
            return;
        };
        let written: Vec<&ColumnUse> = fp.columns.iter().filter(|u| u.access.writes() && u.table == table).collect();
        let columns = written.iter().map(|u| u.column.clone()).collect();
        let values = written.iter().flat_map(|u| u.values.iter().map(move |v| (u.column.clone(), v.clone()))).collect();
        self.changes.push(Change::DataChange { table, verb, columns, values, whole_table: whole });
    }

    /// `TRUNCATE a, b`: every row of each table goes.
    pub(super) fn truncate(&mut self, t: &Truncate) {
        for tn in &t.table_names {
            let key = self.name(&tn.name);
            self.changes.push(Change::DataChange { table: key, verb: DataVerb::Truncate, columns: vec![], values: vec![], whole_table: true });
        }
    }
}
