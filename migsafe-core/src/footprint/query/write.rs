//! Walking the statements that write: INSERT (its columns, the literal
//! values of VALUES rows or of the SELECT list, MySQL's `INSERT … SET`,
//! ON CONFLICT and ON DUPLICATE KEY UPDATE), UPDATE … FROM, DELETE … USING,
//! and RETURNING.

use super::collect::{source_values, written_values};
use super::{last_ident, Rel, RelKind, Resolver, Scope};
use crate::footprint::{Access, InsertShape, TableAccess};
use sqlparser::ast::{
    AssignmentTarget, ConflictTarget, Delete, FromTable, Insert, ObjectName, OnConflictAction, OnInsert, SelectItem, SetExpr, TableObject, Update,
    UpdateTableFromKind,
};

impl Resolver<'_> {
    pub(super) fn returning(&mut self, items: &Option<Vec<SelectItem>>, scopes: &[Scope], scope: &Scope) {
        let Some(items) = items else { return };
        for item in items {
            match item {
                SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } => self.expr(e, Access::Read, scopes, &[]),
                SelectItem::Wildcard(_) | SelectItem::QualifiedWildcard(..) => {
                    for rel in scope.clone() {
                        self.expand(&rel);
                    }
                }
                SelectItem::ExprWithAliases { expr, .. } => self.expr(expr, Access::Read, scopes, &[]),
            }
        }
    }

    pub(super) fn insert(&mut self, ins: &Insert, outer: &[Scope]) {
        let TableObject::TableName(name) = &ins.table else { return };
        let rel = self.relation(name, ins.table_alias.as_ref().map(|a| &a.alias), TableAccess::Insert);
        let table = match &rel.kind {
            RelKind::Table(t) => Some(t.clone()),
            _ => None,
        };
        let mut cols: Vec<String> = ins.columns.iter().filter_map(last_ident).map(|i| self.id(i)).collect();
        if cols.is_empty() && !ins.assignments.is_empty() {
            // MySQL INSERT … SET a = 1
            cols = ins
                .assignments
                .iter()
                .filter_map(|a| match &a.target {
                    AssignmentTarget::ColumnName(n) => last_ident(n).map(|i| self.id(i)),
                    _ => None,
                })
                .collect();
        }
        let explicit = !cols.is_empty();
        if !explicit && ins.source.is_some() {
            cols = self.rel_columns(&rel).unwrap_or_default();
        }
        // Literal values per column position.
        let mut values: Vec<Vec<String>> = vec![Vec::new(); cols.len()];
        if let Some(src) = &ins.source {
            source_values(&src.body, &mut values);
            if let SetExpr::Values(v) = src.body.as_ref() {
                for row in &v.rows {
                    for e in &row.content {
                        self.expr(e, Access::Read, outer, &[]);
                    }
                }
            } else {
                self.query(src, outer);
            }
        }
        for a in &ins.assignments {
            if let AssignmentTarget::ColumnName(n) = &a.target {
                if let Some(i) = last_ident(n).map(|i| self.id(i)).and_then(|c| cols.iter().position(|x| *x == c)) {
                    values[i].extend(written_values(&a.value));
                }
            }
            self.expr(&a.value, Access::Read, outer, &[]);
        }
        if let Some(t) = &table {
            for (c, v) in cols.iter().zip(values) {
                self.in_rel(&rel, c, Access::Insert, v);
            }
            self.fp.inserts.push(InsertShape { table: t.clone(), columns: cols.clone() });
        }
        let scope: Scope = vec![rel.clone()];
        let mut scopes = outer.to_vec();
        scopes.push(scope.clone());
        match &ins.on {
            Some(OnInsert::OnConflict(oc)) => {
                if let Some(ConflictTarget::Columns { columns, predicate }) = &oc.conflict_target {
                    for c in columns {
                        let name = self.id(c);
                        self.in_rel(&rel, &name, Access::Filter, vec![]);
                    }
                    if let Some(p) = predicate {
                        self.expr(p, Access::Filter, &scopes, &[]);
                    }
                }
                if let OnConflictAction::DoUpdate(du) = &oc.action {
                    self.assignments(&du.assignments, &rel, &scopes);
                    if let Some(sel) = &du.selection {
                        self.expr(sel, Access::Filter, &scopes, &[]);
                    }
                }
            }
            Some(OnInsert::DuplicateKeyUpdate(assign)) => self.assignments(assign, &rel, &scopes),
            _ => {}
        }
        self.returning(&ins.returning, &scopes, &scope);
    }

    pub(super) fn assignments(&mut self, assigns: &[sqlparser::ast::Assignment], target: &Rel, scopes: &[Scope]) {
        for a in assigns {
            let names: Vec<&ObjectName> = match &a.target {
                AssignmentTarget::ColumnName(n) => vec![n],
                AssignmentTarget::Tuple(ns) => ns.iter().collect(),
            };
            let lit = written_values(&a.value);
            for n in names {
                if let Some(i) = last_ident(n) {
                    let col = self.id(i);
                    self.in_rel(target, &col, Access::Write, lit.clone());
                }
            }
            self.expr(&a.value, Access::Read, scopes, &[]);
        }
    }

    pub(super) fn update(&mut self, up: &Update, outer: &[Scope]) {
        let mut scope: Scope = Vec::new();
        let mut ons = self.resolve_from(std::slice::from_ref(&up.table), outer, &mut scope, TableAccess::Update);
        let target = scope.first().cloned();
        if let Some(from) = &up.from {
            let items = match from {
                UpdateTableFromKind::BeforeSet(v) | UpdateTableFromKind::AfterSet(v) => v,
            };
            ons.extend(self.resolve_from(items, outer, &mut scope, TableAccess::Select));
        }
        let mut scopes = outer.to_vec();
        scopes.push(scope.clone());
        if let Some(t) = &target {
            self.assignments(&up.assignments, t, &scopes);
        }
        for e in ons.iter().chain(up.selection.iter()) {
            self.expr(e, Access::Filter, &scopes, &[]);
        }
        self.returning(&up.returning, &scopes, &scope);
    }

    pub(super) fn delete(&mut self, del: &Delete, outer: &[Scope]) {
        let mut scope: Scope = Vec::new();
        let from = match &del.from {
            FromTable::WithFromKeyword(v) | FromTable::WithoutKeyword(v) => v,
        };
        let mut ons = self.resolve_from(from, outer, &mut scope, TableAccess::Delete);
        if let Some(using) = &del.using {
            ons.extend(self.resolve_from(using, outer, &mut scope, TableAccess::Select));
        }
        let mut scopes = outer.to_vec();
        scopes.push(scope.clone());
        for e in ons.iter().chain(del.selection.iter()) {
            self.expr(e, Access::Filter, &scopes, &[]);
        }
        self.returning(&del.returning, &scopes, &scope);
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{schema, uses, S};
    use crate::footprint::analyze_sql;
    use crate::footprint::InsertShape;
    use crate::Dialect;

    #[test]
    fn insert_update_delete_shapes() {
        let s = schema(S);
        let fp = analyze_sql(
            Dialect::Postgres,
            &s,
            "INSERT INTO orders (customer_id, status) VALUES ($1, 'NEW') ON CONFLICT (id) DO UPDATE SET status = 'DUP' RETURNING id",
        )
        .unwrap();
        assert_eq!(fp.inserts, [InsertShape { table: "orders".into(), columns: vec!["customer_id".into(), "status".into()] }]);
        assert_eq!(uses(&fp), ["Insert orders.customer_id", "Insert orders.status=NEW", "Filter orders.id", "Write orders.status=DUP", "Read orders.id"]);
        let fp = analyze_sql(Dialect::Postgres, &s, "UPDATE orders o SET total = 0 FROM customers c WHERE c.id = o.customer_id AND c.name = 'x'").unwrap();
        assert!(fp.issues.is_empty(), "{:?}", fp.issues);
        assert!(uses(&fp).contains(&"Write orders.total".to_string()));
        let fp = analyze_sql(Dialect::Postgres, &s, "DELETE FROM orders USING customers WHERE customers.id = orders.customer_id RETURNING *").unwrap();
        assert!(fp.issues.is_empty(), "{:?}", fp.issues);
        assert!(uses(&fp).contains(&"Read orders.total".to_string()));
    }

    #[test]
    fn values_written_by_insert_select_case_and_data_modifying_ctes() {
        let s = schema(S);
        let written = |sql: &str| -> Vec<String> {
            let fp = analyze_sql(Dialect::Postgres, &s, sql).unwrap();
            assert!(fp.issues.is_empty(), "{:?}", fp.issues);
            uses(&fp).into_iter().filter(|u| u.starts_with("Insert") || u.starts_with("Write")).collect()
        };
        // The SELECT list of INSERT … SELECT, by position, through a UNION and a cast.
        assert_eq!(
            written("INSERT INTO orders (customer_id, status) SELECT id, 'NEW' FROM customers UNION ALL SELECT id, 'PAID'::text FROM customers"),
            ["Insert orders.customer_id", "Insert orders.status=NEW|PAID"]
        );
        // Every literal branch of a CASE.
        assert_eq!(written("UPDATE orders SET status = CASE WHEN total > 0 THEN 'PAID' ELSE 'FREE' END"), ["Write orders.status=PAID|FREE"]);
        // A data-modifying CTE.
        assert_eq!(
            written("WITH moved AS (INSERT INTO orders (customer_id, status) SELECT id, 'MOVED' FROM customers RETURNING id) SELECT count(*) FROM moved"),
            ["Insert orders.customer_id", "Insert orders.status=MOVED"]
        );
        // A wildcard hides the positions: nothing is guessed.
        assert_eq!(
            written("INSERT INTO orders SELECT * FROM orders"),
            ["Insert orders.id", "Insert orders.customer_id", "Insert orders.status", "Insert orders.total"]
        );
    }
}
