//! Views: CREATE [MATERIALIZED] VIEW and ALTER VIEW (the columns a view
//! reads and shows, resolved by `footprint`, and the table a write to it
//! reaches), renames, DROP VIEW.

use super::Ctx;
use crate::footprint::{analyze_statement, Access};
use crate::ident::ident;
use crate::schema::{Change, Removal, View};
use sqlparser::ast::{AlterView, AlterViewOperation, CreateView, Expr, ObjectName, Query, Statement};

impl Ctx<'_> {
    pub(super) fn create_view(&mut self, cv: &CreateView) {
        let key = self.name(&cv.name);
        let columns = cv.columns.iter().map(|c| ident(self.d(), &c.name)).collect();
        self.define_view(key, cv.materialized, columns, &cv.query);
    }

    /// A view (re)defined by CREATE VIEW or MySQL's ALTER VIEW … AS: its
    /// columns (as listed, else the query's), what it reads, whether writes
    /// to it reach a table; a reference that does not resolve is a warning.
    fn define_view(&mut self, key: String, materialized: bool, columns: Vec<String>, query: &Query) {
        let fp = analyze_statement(self.d(), self.schema, &Statement::Query(Box::new(query.clone())));
        let columns = if columns.is_empty() { fp.output.clone() } else { columns };
        let reads = fp.columns.iter().filter(|u| u.access == Access::Read || u.access == Access::Filter).map(|u| (u.table.clone(), u.column.clone())).collect();
        if let Some(issue) = fp.issues.first() {
            self.warn(format!("view `{key}`: {}", issue.message()));
        }
        let writes_to = if materialized { None } else { self.view_writes_to(query) };
        self.schema.views.insert(key.clone(), View { name: key.clone(), materialized, columns, reads, writes_to, created: self.at.clone() });
        self.changes.push(Change::ViewCreated { view: key, materialized });
    }

    /// The table writes to a view with this query go to, if the database
    /// makes the view updatable by itself: PostgreSQL's and MySQL's rules for
    /// a simple view (one table in FROM, each output a plain column or `*`, no
    /// WITH, DISTINCT, GROUP BY, HAVING, aggregates, set operations, LIMIT or
    /// OFFSET), where the dialect makes such views updatable.
    fn view_writes_to(&self, q: &sqlparser::ast::Query) -> Option<String> {
        use sqlparser::ast::{GroupByExpr, SelectItem, SetExpr, TableFactor};
        if !self.sem().simple_views_are_updatable() || q.with.is_some() || q.limit_clause.is_some() || q.fetch.is_some() {
            return None;
        }
        let SetExpr::Select(sel) = q.body.as_ref() else { return None };
        let grouped = !matches!(&sel.group_by, GroupByExpr::Expressions(e, _) if e.is_empty());
        if sel.distinct.is_some() || grouped || sel.having.is_some() || sel.from.len() != 1 || !sel.from[0].joins.is_empty() {
            return None;
        }
        let TableFactor::Table { name, .. } = &sel.from[0].relation else { return None };
        let plain = sel.projection.iter().all(|item| match item {
            SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } => matches!(e, Expr::Identifier(_) | Expr::CompoundIdentifier(_)),
            SelectItem::Wildcard(_) | SelectItem::QualifiedWildcard(..) => true,
            _ => false,
        });
        let table = self.name(name);
        (plain && (self.schema.tables.contains_key(&table) || self.schema.views.get(&table).is_some_and(|v| v.writes_to.is_some()))).then_some(table)
    }

    pub(super) fn alter_view(&mut self, av: &AlterView) {
        let key = self.name(&av.name);
        if let AlterViewOperation::As { columns, query, .. } = &av.operation {
            let columns = columns.iter().map(|c| ident(self.d(), c)).collect();
            self.define_view(key, av.materialized, columns, query);
            return;
        }
        if !self.schema.views.contains_key(&key) {
            if av.if_exists {
                self.no_effect("ALTER VIEW IF EXISTS on a missing view");
            } else {
                self.missing(&key, "view");
            }
            return;
        }
        match &av.operation {
            AlterViewOperation::RenameTo { new_name } => self.rename_view(&key, new_name),
            AlterViewOperation::RenameColumn { old_column_name, new_column_name } => {
                let (from, to) = (ident(self.d(), old_column_name), ident(self.d(), new_column_name));
                let Some(c) = self.schema.views.get_mut(&key).and_then(|v| v.columns.iter_mut().find(|c| **c == from)) else {
                    self.warn(format!("column `{from}` does not exist in the view `{key}`"));
                    return;
                };
                *c = to.clone();
                self.schema.removed.push(Removal { table: key.clone(), column: Some(from.clone()), renamed_to: Some(to.clone()), at: self.at.clone() });
                self.changes.push(Change::ColumnRenamed { table: key, from, to });
            }
            _ => self.no_effect("view option"),
        }
    }

    pub(super) fn rename_view(&mut self, from: &str, to: &ObjectName) {
        let to = self.renamed_key(from, to);
        let Some(mut v) = self.schema.views.remove(from) else { return };
        v.name = to.clone();
        self.schema.views.insert(to.clone(), v);
        self.schema.removed.push(Removal { table: from.to_string(), column: None, renamed_to: Some(to.clone()), at: self.at.clone() });
        self.changes.push(Change::ViewRenamed { from: from.to_string(), to });
    }

    /// `DROP [MATERIALIZED] VIEW [IF EXISTS] name`.
    pub(super) fn drop_view(&mut self, key: String, if_exists: bool) {
        if self.schema.views.remove(&key).is_none() {
            if !if_exists {
                self.missing(&key, "view");
            }
            return;
        }
        self.schema.removed.push(Removal { table: key.clone(), column: None, renamed_to: None, at: self.at.clone() });
        self.changes.push(Change::ViewDropped { view: key });
    }
}

#[cfg(test)]
mod tests {
    use crate::schema::apply::tests::run;
    use crate::Dialect;

    #[test]
    fn alter_view_renames_a_column_and_the_view() {
        // sqlparser 0.63 rejected ALTER VIEW; PostgreSQL accepts it.
        let (s, d) = run(
            Dialect::Postgres,
            "CREATE TABLE t (a int, b int);\nCREATE VIEW v AS SELECT a, b FROM t;\nALTER VIEW v RENAME COLUMN b TO c;\nALTER VIEW v RENAME TO w;\nALTER VIEW IF EXISTS gone RENAME TO x;",
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(s.views["w"].columns, ["a", "c"]);
        assert!(!s.views.contains_key("v"));
    }

    #[test]
    fn alter_view_as_is_read_as_create_view_is() {
        // A reference that does not resolve is a warning in both (ALTER VIEW … AS said nothing before).
        for sql in ["CREATE VIEW v AS SELECT a, nope FROM t;", "CREATE VIEW v AS SELECT a FROM t;\nALTER VIEW v AS SELECT a, nope FROM t;"] {
            let (s, d) = run(Dialect::Mysql, &format!("CREATE TABLE t (a INT, b INT);\n{sql}"));
            assert_eq!(d.iter().map(|d| d.message.as_str()).collect::<Vec<_>>(), ["view `v`: no column `nope` in table `t`"], "{sql}");
            assert_eq!(s.views["v"].columns, ["a", "nope"]);
            assert_eq!(s.views["v"].reads, [("t".to_string(), "a".to_string())]);
            assert_eq!(s.views["v"].writes_to.as_deref(), Some("t"));
        }
    }
}
