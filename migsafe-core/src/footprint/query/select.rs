//! Walking a query: WITH (recursive CTEs included), set operations and
//! VALUES, FROM with its joins (`USING` merges columns), derived tables and
//! table functions, the select list (its output names as PostgreSQL gives
//! them), `*`, and WHERE / GROUP BY / HAVING / ORDER BY.

use super::collect::{column_parts, Collected, Collector};
use super::{last_ident, Rel, RelKind, Resolver, Scope};
use crate::footprint::{Access, Issue, TableAccess};
use sqlparser::ast::{
    Expr, JoinConstraint, JoinOperator, Query, Select, SelectItem, SelectItemQualifiedWildcardKind, SetExpr, Statement, TableFactor, TableWithJoins, Visit,
};

impl Resolver<'_> {
    pub(super) fn query(&mut self, q: &Query, outer: &[Scope]) -> Vec<String> {
        self.depth += 1;
        let out = self.query_inner(q, outer);
        self.depth -= 1;
        out
    }

    pub(super) fn query_inner(&mut self, q: &Query, outer: &[Scope]) -> Vec<String> {
        let mut pushed = false;
        if let Some(with) = &q.with {
            self.ctes.push(Vec::new());
            pushed = true;
            for cte in &with.cte_tables {
                let name = self.id(&cte.alias.name);
                if with.recursive {
                    if let Some(level) = self.ctes.last_mut() {
                        level.push((name.clone(), None));
                    }
                }
                let out = self.query(&cte.query, outer);
                let cols = if cte.alias.columns.is_empty() { out } else { cte.alias.columns.iter().map(|c| self.id(&c.name)).collect() };
                if let Some(level) = self.ctes.last_mut() {
                    level.push((name, if with.recursive { None } else { Some(cols) }));
                }
            }
        }
        let (out, scope) = self.set_expr(&q.body, outer);
        if let Some(ob) = &q.order_by {
            let mut scopes: Vec<Scope> = outer.to_vec();
            if let Some(s) = scope {
                scopes.push(s);
            }
            let mut c = Collector { depth: 0, out: Collected::default() };
            let _ = ob.visit(&mut c);
            self.resolve_collected(c.out, Access::Filter, &scopes, &out);
        }
        if pushed {
            self.ctes.pop();
        }
        out
    }

    pub(super) fn set_expr(&mut self, se: &SetExpr, outer: &[Scope]) -> (Vec<String>, Option<Scope>) {
        match se {
            SetExpr::Select(s) => {
                let (out, scope) = self.select(s, outer);
                (out, Some(scope))
            }
            SetExpr::Query(q) => (self.query(q, outer), None),
            SetExpr::SetOperation { left, right, .. } => {
                let (out, _) = self.set_expr(left, outer);
                let _ = self.set_expr(right, outer);
                (out, None)
            }
            SetExpr::Values(v) => {
                for row in &v.rows {
                    for e in &row.content {
                        self.expr(e, Access::Read, outer, &[]);
                    }
                }
                let n = v.rows.first().map(|r| r.content.len()).unwrap_or(0);
                ((1..=n).map(|i| format!("column{i}")).collect(), None)
            }
            SetExpr::Insert(Statement::Insert(i)) => {
                self.insert(i, outer);
                (vec![], None)
            }
            SetExpr::Update(Statement::Update(u)) => {
                self.update(u, outer);
                (vec![], None)
            }
            SetExpr::Delete(Statement::Delete(d)) => {
                self.delete(d, outer);
                (vec![], None)
            }
            _ => (vec![], None),
        }
    }

    pub(super) fn resolve_from(&mut self, from: &[TableWithJoins], outer: &[Scope], scope: &mut Scope, access: TableAccess) -> Vec<Expr> {
        let mut ons = Vec::new();
        for twj in from {
            self.factor(&twj.relation, outer, scope, access, &mut ons);
            for j in &twj.joins {
                self.factor(&j.relation, outer, scope, TableAccess::Select, &mut ons);
                let c = match &j.join_operator {
                    JoinOperator::Join(c)
                    | JoinOperator::Inner(c)
                    | JoinOperator::Left(c)
                    | JoinOperator::LeftOuter(c)
                    | JoinOperator::Right(c)
                    | JoinOperator::RightOuter(c)
                    | JoinOperator::FullOuter(c)
                    | JoinOperator::CrossJoin(c)
                    | JoinOperator::Semi(c)
                    | JoinOperator::LeftSemi(c)
                    | JoinOperator::RightSemi(c)
                    | JoinOperator::Anti(c)
                    | JoinOperator::LeftAnti(c)
                    | JoinOperator::RightAnti(c)
                    | JoinOperator::StraightJoin(c) => Some(c),
                    _ => None,
                };
                match c {
                    Some(JoinConstraint::On(e)) => ons.push(e.clone()),
                    Some(JoinConstraint::Using(cols)) => {
                        // `USING (c)`: compared in every joined relation that has it, and one
                        // column from then on (an unqualified `c` is not ambiguous).
                        for c in cols {
                            if let Some(i) = last_ident(c) {
                                let col = self.id(i);
                                for rel in scope.clone() {
                                    if self.rel_columns(&rel).is_some_and(|cs| cs.contains(&col)) {
                                        self.in_rel(&rel, &col, Access::Filter, vec![]);
                                    }
                                }
                                self.merged.push(col);
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        ons
    }

    pub(super) fn factor(&mut self, tf: &TableFactor, outer: &[Scope], scope: &mut Scope, access: TableAccess, ons: &mut Vec<Expr>) {
        match tf {
            TableFactor::Table { name, alias, args: None, .. } => {
                let rel = self.relation(name, alias.as_ref().map(|a| &a.name), access);
                scope.push(rel);
            }
            TableFactor::Derived { subquery, alias, lateral, .. } => {
                let mut scopes = outer.to_vec();
                if *lateral {
                    scopes.push(scope.clone());
                }
                let out = self.query(subquery, &scopes);
                let cols = match alias {
                    Some(a) if !a.columns.is_empty() => a.columns.iter().map(|c| self.id(&c.name)).collect(),
                    _ => out,
                };
                let alias = alias.as_ref().map(|a| self.id(&a.name)).unwrap_or_default();
                scope.push(Rel { alias, kind: RelKind::Derived(Some(cols)) });
            }
            TableFactor::NestedJoin { table_with_joins, alias } => {
                let inner = self.resolve_from(std::slice::from_ref(table_with_joins), outer, scope, access);
                ons.extend(inner);
                if let Some(a) = alias {
                    scope.push(Rel { alias: self.id(&a.name), kind: RelKind::Derived(None) });
                }
            }
            other => {
                // Table functions, UNNEST, VALUES lists: arguments are read, columns unknown.
                let mut c = Collector { depth: 0, out: Collected::default() };
                let _ = other.visit(&mut c);
                self.resolve_collected(c.out, Access::Read, outer, &[]);
                let alias = match other {
                    // `FROM schema.f(args)`: a set-returning function.
                    TableFactor::Function { alias, .. }
                    | TableFactor::UNNEST { alias, .. }
                    | TableFactor::TableFunction { alias, .. }
                    | TableFactor::Table { alias, .. } => alias.as_ref().map(|a| self.id(&a.name)),
                    _ => None,
                };
                scope.push(Rel { alias: alias.unwrap_or_default(), kind: RelKind::Derived(None) });
            }
        }
    }

    pub(super) fn select(&mut self, s: &Select, outer: &[Scope]) -> (Vec<String>, Scope) {
        let mut scope: Scope = Vec::new();
        let ons = self.resolve_from(&s.from, outer, &mut scope, TableAccess::Select);
        let mut scopes: Vec<Scope> = outer.to_vec();
        scopes.push(scope.clone());
        for on in &ons {
            self.expr(on, Access::Filter, &scopes, &[]);
        }
        let mut out = Vec::new();
        for item in &s.projection {
            match item {
                SelectItem::UnnamedExpr(e) => {
                    self.expr(e, Access::Read, &scopes, &[]);
                    out.push(self.output_name(e));
                }
                SelectItem::ExprWithAlias { expr, alias } => {
                    self.expr(expr, Access::Read, &scopes, &[]);
                    out.push(self.id(alias));
                }
                SelectItem::ExprWithAliases { expr, aliases } => {
                    self.expr(expr, Access::Read, &scopes, &[]);
                    out.extend(aliases.iter().map(|a| self.id(a)));
                }
                SelectItem::Wildcard(_) => {
                    for rel in scope.clone() {
                        out.extend(self.expand(&rel));
                    }
                }
                SelectItem::QualifiedWildcard(kind, _) => {
                    if let SelectItemQualifiedWildcardKind::ObjectName(n) = kind {
                        let q = last_ident(n).map(|i| self.id(i)).unwrap_or_default();
                        match scope.iter().find(|r| r.alias == q).cloned() {
                            Some(rel) => out.extend(self.expand(&rel)),
                            None => self.fp.issues.push(Issue::UnknownTable { name: q, suggestion: None, removed: None }),
                        }
                    }
                }
            }
        }
        let mut filter_exprs: Vec<&Expr> = Vec::new();
        if let Some(w) = &s.selection {
            filter_exprs.push(w);
        }
        if let Some(h) = &s.having {
            filter_exprs.push(h);
        }
        if let sqlparser::ast::GroupByExpr::Expressions(exprs, _) = &s.group_by {
            filter_exprs.extend(exprs.iter());
        }
        for e in filter_exprs {
            self.expr(e, Access::Filter, &scopes, &out);
        }
        (out, scope)
    }

    /// The name PostgreSQL gives an unaliased select-list expression.
    pub(super) fn output_name(&self, e: &Expr) -> String {
        match e {
            Expr::Identifier(i) => self.id(i),
            Expr::CompoundIdentifier(p) => p.last().map(|i| self.id(i)).unwrap_or_default(),
            Expr::Function(f) => last_ident(&f.name).map(|i| self.id(i)).unwrap_or_default(),
            Expr::Cast { expr, .. } | Expr::Nested(expr) if column_parts(expr).is_some() => self.output_name(expr),
            Expr::Nested(inner) => self.output_name(inner),
            // A scalar subquery is named after its one output column.
            Expr::Subquery(q) => match q.body.as_ref() {
                SetExpr::Select(sel) => match sel.projection.first() {
                    Some(SelectItem::UnnamedExpr(inner)) => self.output_name(inner),
                    Some(SelectItem::ExprWithAlias { alias, .. }) => self.id(alias),
                    _ => "?column?".to_string(),
                },
                _ => "?column?".to_string(),
            },
            Expr::Case { .. } => "case".to_string(),
            _ => "?column?".to_string(),
        }
    }

    /// `*` over one relation: every column read.
    pub(super) fn expand(&mut self, rel: &Rel) -> Vec<String> {
        let cols = self.rel_columns(rel).unwrap_or_default();
        if let RelKind::Table(t) = &rel.kind {
            let only = if self.depth == 1 { self.only } else { None };
            for c in cols.iter().filter(|c| only.is_none_or(|o| o.contains(c))) {
                self.use_col(t, c, Access::Read, vec![]);
            }
        }
        cols
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{schema, uses, S};
    use crate::footprint::analyze_sql;
    use crate::Dialect;

    #[test]
    fn joins_aliases_and_values() {
        let s = schema(S);
        let fp = analyze_sql(
            Dialect::Postgres,
            &s,
            "SELECT o.id, c.name FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.status IN ('PAID', 'NEW') ORDER BY name",
        )
        .unwrap();
        assert!(fp.issues.is_empty(), "{:?}", fp.issues);
        assert_eq!(
            uses(&fp),
            [
                "Filter customers.id",
                "Filter orders.customer_id",
                "Read orders.id",
                "Read customers.name",
                "Filter orders.status=PAID|NEW",
                "Filter customers.name"
            ]
        );
    }

    #[test]
    fn ctes_subqueries_and_star() {
        let s = schema(S);
        let fp = analyze_sql(Dialect::Postgres, &s, "WITH big AS (SELECT customer_id, count(*) AS n FROM orders GROUP BY customer_id) SELECT c.*, big.n FROM customers c JOIN big ON big.customer_id = c.id WHERE EXISTS (SELECT 1 FROM orders x WHERE x.customer_id = c.id)").unwrap();
        assert!(fp.issues.is_empty(), "{:?}", fp.issues);
        let u = uses(&fp);
        assert!(u.contains(&"Read customers.name".to_string()) && u.contains(&"Filter orders.customer_id".to_string()), "{u:?}");
    }

    #[test]
    fn using_joins_merge_their_columns_and_functions_in_from_are_not_tables() {
        let s = schema("CREATE TABLE users (user_id INT, name TEXT); CREATE TABLE sessions (id INT, user_id INT);");
        let fp = analyze_sql(Dialect::Postgres, &s, "SELECT user_id, name FROM sessions s JOIN users u USING (user_id) WHERE user_id = 1").unwrap();
        assert!(fp.issues.is_empty(), "{:?}", fp.issues);
        assert!(uses(&fp).contains(&"Filter users.user_id".to_string()) && uses(&fp).contains(&"Filter sessions.user_id".to_string()), "{:?}", uses(&fp));
        // Without USING it stays ambiguous.
        let fp = analyze_sql(Dialect::Postgres, &s, "SELECT user_id FROM sessions s JOIN users u ON s.user_id = u.user_id").unwrap();
        assert_eq!(fp.issues.len(), 1);
        let fp = analyze_sql(Dialect::Postgres, &s, "SELECT * FROM apalis.push_job($1, $2) AS j").unwrap();
        assert!(fp.issues.is_empty(), "{:?}", fp.issues);
    }

    #[test]
    fn scalar_subqueries_name_their_column_as_postgres_does() {
        let s = schema(S);
        let fp = analyze_sql(
            Dialect::Postgres,
            &s,
            "SELECT (SELECT name FROM customers c WHERE c.id = o.customer_id), o.id::text, count(*) FROM orders o GROUP BY o.id",
        )
        .unwrap();
        assert_eq!(fp.output, ["name", "id", "count"]);
    }
}
