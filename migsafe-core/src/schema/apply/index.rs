//! Indexes: CREATE INDEX, ALTER INDEX (the renames and storage options
//! sqlparser does not read come from `sql::recover`), DROP INDEX
//! [CONCURRENTLY] and MySQL's ALTER TABLE … DROP INDEX.

use super::Ctx;
use crate::ident::{ident, qualify};
use crate::schema::{Change, Index};
use crate::sql::recover::{self, AlterIndex};
use sqlparser::ast::{CreateIndex, Expr, Ident, ObjectName};

impl Ctx<'_> {
    pub(super) fn create_index(&mut self, ci: &CreateIndex) {
        let d = self.d();
        let table = self.name(&ci.table_name);
        let columns: Vec<String> = ci
            .columns
            .iter()
            .map(|ic| match &ic.column.expr {
                Expr::Identifier(i) => ident(d, i),
                other => other.to_string(),
            })
            .collect();
        let name = match &ci.name {
            Some(n) => self.name(n),
            None => format!("{}_{}_idx", crate::ident::base_name(&table), columns.join("_")),
        };
        if !self.schema.has_relation(&table) {
            self.missing(&table, "table");
            return;
        }
        if self.schema.indexes.contains_key(&name) && ci.if_not_exists {
            self.no_effect("CREATE INDEX IF NOT EXISTS on an existing index");
            return;
        }
        self.schema.indexes.insert(
            name.clone(),
            Index {
                name: name.clone(),
                table: table.clone(),
                columns: columns.clone(),
                unique: ci.unique,
                concurrently: ci.concurrently,
                partial: ci.predicate.is_some(),
                created: self.at.clone(),
            },
        );
        self.changes.push(Change::IndexCreated { index: name, table, columns, unique: ci.unique, concurrently: ci.concurrently });
    }

    pub(super) fn rename_index(&mut self, name: &ObjectName, to: &ObjectName, if_exists: bool) {
        let from = self.name(name);
        let to = self.renamed_key(&from, to);
        match self.schema.indexes.remove(&from) {
            Some(mut i) => {
                i.name = to.clone();
                let table = Some(i.table.clone());
                self.schema.indexes.insert(to.clone(), i);
                self.changes.push(Change::IndexRenamed { from, to, table });
            }
            // A constraint's index (`…_pkey`, `…_key`) or one IF EXISTS skips: nothing the model holds.
            None if if_exists => self.no_effect("ALTER INDEX IF EXISTS on an index the model does not hold"),
            None => self.changes.push(Change::IndexRenamed { from, to, table: None }),
        }
    }

    /// `ALTER INDEX [IF EXISTS] name …` that sqlparser does not read
    /// ([`recover::alter_index`]): a rename is applied; the other actions
    /// change no column.
    pub(super) fn alter_index(&mut self, text: &str) -> bool {
        match recover::alter_index(self.d(), text) {
            Some(AlterIndex::Rename { name, to, if_exists }) => self.rename_index(&name, &to, if_exists),
            Some(AlterIndex::StorageOption) => self.no_effect("index storage option"),
            None => return false,
        }
        true
    }

    /// `DROP INDEX CONCURRENTLY …`, which sqlparser does not parse, applied
    /// without the keyword (`self.text` keeps it, so the event records it).
    pub(super) fn drop_index_concurrently(&mut self, text: &str) -> bool {
        let Some(s) = recover::drop_index_without_concurrently(self.d(), text) else { return false };
        self.statement(&s);
        true
    }

    /// `DROP INDEX [CONCURRENTLY] name [ON table]`.
    pub(super) fn drop_index(&mut self, key: String, on_table: Option<&ObjectName>) {
        let removed = self.schema.indexes.remove(&key);
        let table = removed.map(|i| i.table).or_else(|| on_table.map(|t| self.name(t)));
        let concurrently = self.text.contains("CONCURRENTLY");
        self.changes.push(Change::IndexDropped { index: key, table, concurrently });
    }

    /// MySQL `ALTER TABLE t DROP INDEX name`.
    pub(super) fn drop_table_index(&mut self, key: &str, name: &Ident) {
        let d = self.d();
        let n = qualify(d, &[ident(d, name)]);
        self.schema.indexes.remove(&n);
        self.changes.push(Change::IndexDropped { index: n, table: Some(key.to_string()), concurrently: false });
    }
}

#[cfg(test)]
mod tests {
    use crate::schema::apply::tests::run;
    use crate::Dialect;

    #[test]
    fn alter_index_renames_with_and_without_if_exists() {
        let (s, d) = run(
            Dialect::Postgres,
            "CREATE TABLE t (a int);\nCREATE INDEX t_a ON t (a);\nALTER INDEX t_a RENAME TO t_a2;\nALTER INDEX IF EXISTS t_a2 RENAME TO t_a3;\nALTER INDEX IF EXISTS gone RENAME TO x;\nALTER INDEX t_pkey RENAME TO t_key;\nALTER INDEX t_a3 SET (fillfactor = 70);\nALTER INDEX IF EXISTS t_a3 SET TABLESPACE fast;",
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(s.indexes.keys().collect::<Vec<_>>(), ["t_a3"]);
        assert_eq!(s.indexes["t_a3"].table, "t");
        assert!(s.unread.is_empty());
    }
}
