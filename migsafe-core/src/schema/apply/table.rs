//! Tables: CREATE TABLE (and … AS SELECT), ALTER TABLE's dispatch to the
//! column, constraint and index changes it holds, table options, renames,
//! DROP TABLE and DROP SCHEMA.

use super::Ctx;
use crate::footprint::analyze_statement;
use crate::schema::events::{AlterAlgorithm, AlterLock, TableOption};
use crate::schema::types::normalize;
use crate::schema::{Change, Column, Removal, Table};
use crate::sql::recover::{self, AlterAction};
use sqlparser::ast::{AlterTable, AlterTableOperation, CreateTable, ObjectName, RenameTableNameKind, SqliteTableOption, Statement};

impl Ctx<'_> {
    pub(super) fn create_table(&mut self, ct: &CreateTable) {
        let key = self.name(&ct.name);
        if self.schema.tables.contains_key(&key) {
            if ct.if_not_exists {
                self.no_effect("CREATE TABLE IF NOT EXISTS on an existing table");
                return;
            } else if ct.or_replace {
                self.schema.tables.remove(&key);
            } else {
                self.warn(format!("table `{key}` already exists"));
                return;
            }
        }
        let mut pk = Vec::new();
        let mut uniques = Vec::new();
        let mut fks = Vec::new();
        let mut checks = Vec::new();
        let mut columns = Vec::new();
        for def in &ct.columns {
            let (c, o) = self.new_column(def);
            if o.primary_key {
                pk.push(c.name.clone());
            }
            uniques.extend(o.unique);
            fks.extend(o.foreign_keys);
            checks.extend(o.checks);
            columns.push(c);
        }
        if let Some(q) = &ct.query {
            let fp = analyze_statement(self.d(), self.schema, &Statement::Query(q.clone()));
            for name in fp.output {
                columns.push(Column {
                    name,
                    ty: normalize(self.d(), "unknown"),
                    nullable: true,
                    default: None,
                    identity: false,
                    generated: false,
                    created: self.at.clone(),
                    changed: None,
                });
            }
        }
        let mut table = Table { name: key.clone(), columns, primary_key: pk, unique: uniques, foreign_keys: fks, checks, created: self.at.clone() };
        for c in &ct.constraints {
            self.table_constraint(&mut table, c);
        }
        if self.sem().has_rowid() {
            if ct.sqlite_table_options.options.contains(&SqliteTableOption::WithoutRowid) {
                // No rowid: the primary key is an ordinary NOT NULL key.
                for name in table.primary_key.clone() {
                    if let Some(col) = table.column_mut(&name) {
                        col.nullable = false;
                        col.identity = false;
                    }
                }
            } else if table.primary_key.len() == 1 {
                let pk = table.primary_key[0].clone();
                if let Some(col) = table.column_mut(&pk) {
                    if col.ty.written.eq_ignore_ascii_case("INTEGER") {
                        col.identity = true;
                    }
                }
            }
        }
        self.schema.tables.insert(key.clone(), table);
        self.changes.push(Change::TableCreated { table: key });
    }

    /// `ALTER TABLE`: each operation in turn (on a view, only a rename means anything).
    pub(super) fn alter_table(&mut self, at: &AlterTable) {
        let key = self.name(&at.name);
        if !self.schema.tables.contains_key(&key) {
            if self.schema.views.contains_key(&key) {
                for op in &at.operations {
                    if let AlterTableOperation::RenameTable { table_name: RenameTableNameKind::To(n) | RenameTableNameKind::As(n) } = op {
                        self.rename_view(&key, n);
                    }
                }
                return;
            }
            if at.if_exists {
                self.no_effect("ALTER TABLE IF EXISTS on a missing table");
            } else {
                self.missing(&key, "table");
            }
            return;
        }
        for op in &at.operations {
            self.alter_table_op(&key, op);
        }
    }

    pub(super) fn alter_table_op(&mut self, key: &str, op: &AlterTableOperation) {
        match op {
            AlterTableOperation::AddColumn { if_not_exists, column_def, .. } => self.add_column(key, column_def, *if_not_exists),
            AlterTableOperation::DropColumn { column_names, if_exists, .. } => self.drop_columns(key, column_names, *if_exists),
            AlterTableOperation::RenameColumn { old_column_name, new_column_name } => {
                let from = crate::ident::ident(self.d(), old_column_name);
                let to = crate::ident::ident(self.d(), new_column_name);
                self.rename_column(key, &from, &to);
            }
            AlterTableOperation::RenameTable { table_name: RenameTableNameKind::To(n) | RenameTableNameKind::As(n) } => {
                self.rename_table(key, n);
            }
            AlterTableOperation::AlterColumn { column_name, op } => self.alter_column(key, column_name, op),
            AlterTableOperation::ChangeColumn { old_name, new_name, data_type, options, .. } => self.change_column(key, old_name, new_name, data_type, options),
            AlterTableOperation::ModifyColumn { col_name, data_type, options, .. } => self.change_column(key, col_name, col_name, data_type, options),
            AlterTableOperation::AddConstraint { constraint, not_valid } => self.add_constraint(key, constraint, *not_valid),
            AlterTableOperation::DropConstraint { name, .. } => self.drop_constraint(key, name),
            AlterTableOperation::DropPrimaryKey { .. } => self.drop_primary_key(key),
            AlterTableOperation::DropForeignKey { name, .. } => self.drop_foreign_key(key, name),
            AlterTableOperation::DropIndex { name } => self.drop_table_index(key, name),
            AlterTableOperation::RenameConstraint { .. }
            | AlterTableOperation::EnableTrigger { .. }
            | AlterTableOperation::DisableTrigger { .. }
            | AlterTableOperation::EnableRowLevelSecurity
            | AlterTableOperation::DisableRowLevelSecurity
            | AlterTableOperation::ForceRowLevelSecurity
            | AlterTableOperation::NoForceRowLevelSecurity
            | AlterTableOperation::OwnerTo { .. }
            | AlterTableOperation::SetLogged
            | AlterTableOperation::SetUnlogged
            | AlterTableOperation::ReplicaIdentity { .. }
            | AlterTableOperation::AutoIncrement { .. }
            | AlterTableOperation::SetOptionsParens { .. }
            | AlterTableOperation::SetTblProperties { .. } => self.changes.push(Change::TableOption { table: key.to_string(), option: TableOption::Other }),
            AlterTableOperation::ValidateConstraint { name } => self.validate_constraint(key, name),
            AlterTableOperation::Algorithm { algorithm, .. } => {
                let a = match algorithm {
                    sqlparser::ast::AlterTableAlgorithm::Default => AlterAlgorithm::Default,
                    sqlparser::ast::AlterTableAlgorithm::Instant => AlterAlgorithm::Instant,
                    sqlparser::ast::AlterTableAlgorithm::Inplace => AlterAlgorithm::Inplace,
                    sqlparser::ast::AlterTableAlgorithm::Copy => AlterAlgorithm::Copy,
                };
                self.changes.push(Change::TableOption { table: key.to_string(), option: TableOption::Algorithm(a) })
            }
            AlterTableOperation::Lock { lock, .. } => {
                let l = match lock {
                    sqlparser::ast::AlterTableLock::Default => AlterLock::Default,
                    sqlparser::ast::AlterTableLock::None => AlterLock::None,
                    sqlparser::ast::AlterTableLock::Shared => AlterLock::Shared,
                    sqlparser::ast::AlterTableLock::Exclusive => AlterLock::Exclusive,
                };
                self.changes.push(Change::TableOption { table: key.to_string(), option: TableOption::Lock(l) })
            }
            other => {
                let text = other.to_string();
                self.unmodelled(&format!("ALTER TABLE {key} {text}"), "migsafe does not model this ALTER TABLE operation")
            }
        }
    }

    /// An `ALTER TABLE` that sqlparser cannot parse as a whole, read action
    /// by action ([`recover::split_alter_table`]). Applies nothing and
    /// returns false unless every action is understood.
    pub(super) fn unparsed_alter_table(&mut self, text: &str) -> bool {
        let Some(split) = recover::split_alter_table(self.d(), text) else { return false };
        let key = self.name(&split.name);
        if !self.schema.tables.contains_key(&key) {
            if split.if_exists {
                self.no_effect("ALTER TABLE IF EXISTS on a missing table");
            } else {
                self.missing(&key, "table");
            }
            return true;
        }
        let at = self.at.clone();
        for action in split.actions {
            match action {
                AlterAction::NoEffect => self.no_effect("constraint or storage option"),
                AlterAction::Option(option) => self.changes.push(Change::TableOption { table: key.clone(), option }),
                AlterAction::DropExpression(col) | AlterAction::DropIdentity(col) if self.schema.column(&key, &col).is_none() => {
                    self.warn(format!("column `{col}` does not exist in `{key}`"));
                }
                AlterAction::DropExpression(col) => {
                    if let Some(c) = self.schema.tables.get_mut(&key).and_then(|t| t.column_mut(&col)) {
                        c.generated = false;
                        c.changed = Some(at.clone());
                    }
                    self.no_effect("DROP EXPRESSION");
                }
                AlterAction::DropIdentity(col) => {
                    if let Some(c) = self.schema.tables.get_mut(&key).and_then(|t| t.column_mut(&col)) {
                        c.identity = false;
                        c.changed = Some(at.clone());
                    }
                    self.no_effect("DROP IDENTITY");
                }
                AlterAction::Ops(ops) => {
                    for op in &ops {
                        if self.schema.tables.contains_key(&key) {
                            self.alter_table_op(&key, op);
                        }
                    }
                }
            }
        }
        true
    }

    pub(super) fn rename_table(&mut self, from: &str, to: &ObjectName) {
        let to = self.renamed_key(from, to);
        let Some(mut t) = self.schema.tables.remove(from) else { return };
        t.name = to.clone();
        self.schema.tables.insert(to.clone(), t);
        for i in self.schema.indexes.values_mut().filter(|i| i.table == from) {
            i.table = to.clone();
        }
        for t in self.schema.insert_triggers.iter_mut().filter(|t| t.table == from) {
            t.table = to.clone();
        }
        self.schema.removed.push(Removal { table: from.to_string(), column: None, renamed_to: Some(to.clone()), at: self.at.clone() });
        self.changes.push(Change::TableRenamed { from: from.to_string(), to });
    }

    /// `DROP TABLE`: its indexes and triggers go too; with CASCADE, the views that read it.
    pub(super) fn drop_table(&mut self, key: String, if_exists: bool, cascade: bool) {
        if self.schema.tables.remove(&key).is_none() {
            if !if_exists {
                self.missing(&key, "table");
            }
            return;
        }
        self.schema.insert_triggers.retain(|t| t.table != key);
        self.schema.indexes.retain(|_, i| i.table != key);
        if cascade {
            let dependent: Vec<String> = self.schema.views.values().filter(|v| v.reads.iter().any(|(t, _)| *t == key)).map(|v| v.name.clone()).collect();
            for v in dependent {
                self.schema.views.remove(&v);
                self.schema.removed.push(Removal { table: v.clone(), column: None, renamed_to: None, at: self.at.clone() });
                self.changes.push(Change::ViewDropped { view: v });
            }
        }
        self.schema.removed.push(Removal { table: key.clone(), column: None, renamed_to: None, at: self.at.clone() });
        self.changes.push(Change::TableDropped { table: key });
    }

    /// `DROP SCHEMA`: every table in it.
    pub(super) fn drop_schema(&mut self, key: &str) {
        let prefix = format!("{key}.");
        let tables: Vec<String> = self.schema.tables.keys().filter(|k| k.starts_with(&prefix)).cloned().collect();
        for t in tables {
            self.schema.tables.remove(&t);
            self.schema.removed.push(Removal { table: t.clone(), column: None, renamed_to: None, at: self.at.clone() });
            self.changes.push(Change::TableDropped { table: t });
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::schema::apply::tests::{col, run};
    use crate::Dialect;

    #[test]
    fn alter_table_actions_sqlparser_cannot_parse_are_split_and_applied() {
        let (s, d) = run(
            Dialect::Postgres,
            "CREATE TABLE t (a int REFERENCES u, b int GENERATED ALWAYS AS (a * 2) STORED, c int GENERATED ALWAYS AS IDENTITY);
             ALTER TABLE t ALTER CONSTRAINT t_a_fkey DEFERRABLE INITIALLY DEFERRED, ALTER CONSTRAINT t_b DEFERRABLE;
             ALTER TABLE t ALTER COLUMN b DROP EXPRESSION, ALTER c DROP IDENTITY IF EXISTS, ADD COLUMN d text NOT NULL;
             ALTER TABLE t ALTER COLUMN d SET STATISTICS 100;",
        );
        assert!(d.is_empty(), "{d:?}");
        let t = &s.tables["t"];
        assert!(!t.column("b").unwrap().generated);
        assert!(!t.column("c").unwrap().identity);
        assert_eq!(col(&s, "t", "d"), ("text".into(), false));
        let (_, d) = run(Dialect::Postgres, "CREATE TABLE t (a int); ALTER TABLE t ALTER COLUMN a FROB, ADD COLUMN x int;");
        assert_eq!(d.len(), 1, "an unknown action is still an error: {d:?}");
    }

    #[test]
    fn mysql_table_options_dynamic_sql_and_drop_check() {
        let (s, d) = run(
            Dialect::Mysql,
            "CREATE TABLE t (a INT, CONSTRAINT c CHECK (a > 0));
             ALTER TABLE t COMMENT = 'x', ENGINE = InnoDB;
             ALTER TABLE t DROP CHECK c;
             SET @s = 'SELECT 1';
             PREPARE stmt FROM @s;
             EXECUTE stmt;
             DEALLOCATE PREPARE stmt;",
        );
        assert!(d.is_empty(), "{d:?}");
        assert!(s.tables.contains_key("t"));
    }

    #[test]
    fn create_table_if_not_exists_keeps_the_existing_table() {
        let (s, _) = run(Dialect::Postgres, "CREATE TABLE t (a int); CREATE TABLE IF NOT EXISTS t (b int);");
        assert!(s.column("t", "a").is_some() && s.column("t", "b").is_none());
    }
}
