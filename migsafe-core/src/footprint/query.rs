//! Resolving one SQL statement against a schema into a [`QueryFootprint`].

use super::{Access, ColumnUse, InsertShape, Issue, QueryFootprint, TableAccess, TableUse};
use crate::ident::{ident, object_name};
use crate::schema::Schema;
use crate::suggest::did_you_mean;
use crate::Dialect;
use sqlparser::ast::{
    AssignmentTarget, BinaryOperator, ConflictTarget, Delete, Expr, FromTable, Ident, InTarget, Insert, JoinConstraint, JoinOperator, ObjectName,
    ObjectNamePart, OnConflictAction, OnInsert, Query, Select, SelectItem, SelectItemQualifiedWildcardKind, SetExpr, Statement, TableFactor, TableObject,
    TableWithJoins, Update, UpdateTableFromKind, Value, Visit, Visitor,
};
use sqlparser::parser::Parser;
use std::ops::ControlFlow;

/// SQL that does not parse, with the location inside the SQL text (1-based).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SqlError {
    pub message: String,
    pub line: u32,
    pub column: u32,
}

/// Parse `sql` (exactly one statement) in `dialect` and resolve it against `schema`.
pub fn analyze_sql(dialect: Dialect, schema: &Schema, sql: &str) -> Result<QueryFootprint, SqlError> {
    analyze_sql_with(dialect, schema, sql, None)
}

/// [`analyze_sql`] for rows decoded by name into a struct: a top-level `*`
/// reads only the columns in `only` (the rest are returned and ignored).
pub fn analyze_sql_with(dialect: Dialect, schema: &Schema, sql: &str, only: Option<&[String]>) -> Result<QueryFootprint, SqlError> {
    let d = dialect.parser_dialect();
    let mut stmts = Parser::new(d.as_ref()).try_with_sql(sql).and_then(|mut p| p.parse_statements()).map_err(|e| {
        let raw = e.to_string();
        let msg = raw.trim_start_matches("sql parser error: ").to_string();
        let (message, line, column) = match msg.rfind(" at Line: ") {
            Some(i) => {
                let tail = &msg[i + 10..];
                let mut it = tail.split(", Column: ");
                let l = it.next().and_then(|x| x.trim().parse().ok()).unwrap_or(1);
                let c = it.next().and_then(|x| x.trim().parse().ok()).unwrap_or(1);
                (msg[..i].to_string(), l, c)
            }
            None => (msg, 1, 1),
        };
        SqlError { message, line, column }
    })?;
    match stmts.len() {
        1 => Ok(analyze_statement_with(dialect, schema, &stmts.remove(0), only)),
        0 => Err(SqlError { message: "empty query: expected one SQL statement".into(), line: 1, column: 1 }),
        n => Err(SqlError { message: format!("expected one SQL statement, found {n}"), line: 1, column: 1 }),
    }
}

/// Resolve an already parsed statement.
pub fn analyze_statement(dialect: Dialect, schema: &Schema, stmt: &Statement) -> QueryFootprint {
    analyze_statement_with(dialect, schema, stmt, None)
}

fn analyze_statement_with(dialect: Dialect, schema: &Schema, stmt: &Statement, only: Option<&[String]>) -> QueryFootprint {
    let mut r = Resolver { schema, d: dialect, fp: QueryFootprint::default(), ctes: Vec::new(), only, depth: 0, merged: Vec::new() };
    match stmt {
        Statement::Query(q) => {
            let out = r.query(q, &[]);
            r.fp.output = out;
        }
        Statement::Insert(ins) => r.insert(ins, &[]),
        Statement::Update(up) => r.update(up, &[]),
        Statement::Delete(del) => r.delete(del, &[]),
        _ => {}
    }
    r.fp.normalize();
    r.fp
}

#[derive(Debug, Clone)]
enum RelKind {
    Table(String),
    /// A table that does not resolve: references through it are not reported again.
    Unknown,
    /// A CTE, subquery or function: its columns, when known.
    Derived(Option<Vec<String>>),
}

#[derive(Debug, Clone)]
struct Rel {
    alias: String,
    kind: RelKind,
}

type Scope = Vec<Rel>;

struct Resolver<'s> {
    schema: &'s Schema,
    d: Dialect,
    fp: QueryFootprint,
    ctes: Vec<Vec<(String, Option<Vec<String>>)>>,
    /// The columns a by-name row decoder reads: a top-level `*` reads only these.
    only: Option<&'s [String]>,
    /// How deep in nested queries the resolver is (1: the statement's own query).
    depth: usize,
    /// Columns a `JOIN … USING (…)` merged into one.
    merged: Vec<String>,
}

/// A relation of the engine's own catalog (`pg_catalog.pg_tables`,
/// `information_schema.columns`, `sqlite_master`, MySQL's `dual`), which no
/// migration creates or drops.
pub(crate) fn is_system_relation(d: Dialect, key: &str) -> bool {
    let (schema, name) = key.rsplit_once('.').unwrap_or(("", key));
    let schema = schema.to_ascii_lowercase();
    let name = name.to_ascii_lowercase();
    match d {
        Dialect::Postgres => schema == "pg_catalog" || schema == "information_schema" || (schema.is_empty() && name.starts_with("pg_")),
        Dialect::Mysql => matches!(schema.as_str(), "information_schema" | "mysql" | "performance_schema" | "sys") || (schema.is_empty() && name == "dual"),
        Dialect::Sqlite => name.starts_with("sqlite_") || name.starts_with("pragma_"),
    }
}

/// Identifiers that look like columns but are SQL keywords or functions without parentheses.
const NOT_COLUMNS: &[&str] = &[
    "current_date",
    "current_time",
    "current_timestamp",
    "current_user",
    "session_user",
    "user",
    "localtime",
    "localtimestamp",
    "default",
    "null",
    "true",
    "false",
    "current_schema",
    "current_catalog",
    "current_role",
];

/// What the visitor collects at one query level.
#[derive(Default)]
struct Collected {
    idents: Vec<(Vec<Ident>, Vec<String>)>,
    subqueries: Vec<Query>,
}

struct Collector {
    depth: usize,
    out: Collected,
}

impl Visitor for Collector {
    type Break = ();
    fn pre_visit_query(&mut self, q: &Query) -> ControlFlow<()> {
        if self.depth == 0 {
            self.out.subqueries.push(q.clone());
        }
        self.depth += 1;
        ControlFlow::Continue(())
    }
    fn post_visit_query(&mut self, _q: &Query) -> ControlFlow<()> {
        self.depth -= 1;
        ControlFlow::Continue(())
    }
    fn pre_visit_expr(&mut self, e: &Expr) -> ControlFlow<()> {
        if self.depth > 0 {
            return ControlFlow::Continue(());
        }
        match e {
            Expr::Identifier(i) => self.out.idents.push((vec![i.clone()], vec![])),
            Expr::CompoundIdentifier(parts) => self.out.idents.push((parts.clone(), vec![])),
            Expr::BinaryOp { left, op: BinaryOperator::Eq | BinaryOperator::NotEq, right } => {
                for (a, b) in [(left, right), (right, left)] {
                    if let (Some(parts), Some(v)) = (column_parts(a), literal(b)) {
                        self.out.idents.push((parts, vec![v]));
                    }
                }
            }
            Expr::In { expr, target: InTarget::List(list), .. } => {
                if let Some(parts) = column_parts(expr) {
                    let vals: Vec<String> = list.iter().filter_map(literal).collect();
                    if !vals.is_empty() {
                        self.out.idents.push((parts, vals));
                    }
                }
            }
            _ => {}
        }
        ControlFlow::Continue(())
    }
}

fn column_parts(e: &Expr) -> Option<Vec<Ident>> {
    match e {
        Expr::Identifier(i) => Some(vec![i.clone()]),
        Expr::CompoundIdentifier(p) => Some(p.clone()),
        Expr::Nested(inner) => column_parts(inner),
        Expr::Cast { expr, .. } => column_parts(expr),
        _ => None,
    }
}

/// A string literal (possibly cast: `'x'::order_status`).
pub(crate) fn literal(e: &Expr) -> Option<String> {
    match e {
        Expr::Value(v) => match &v.value {
            Value::SingleQuotedString(s)
            | Value::EscapedStringLiteral(s)
            | Value::NationalStringLiteral(s)
            | Value::DoubleQuotedString(s)
            | Value::UnicodeStringLiteral(s) => Some(s.clone()),
            Value::DollarQuotedString(d) => Some(d.value.clone()),
            _ => None,
        },
        Expr::Cast { expr, .. } => literal(expr),
        Expr::Nested(inner) => literal(inner),
        _ => None,
    }
}

/// The literal values an expression written to a column can take: the
/// literal itself, or the literal branches of a CASE.
pub(crate) fn written_values(e: &Expr) -> Vec<String> {
    match e {
        Expr::Case { conditions, else_result, .. } => {
            let mut out: Vec<String> = Vec::new();
            for v in conditions.iter().flat_map(|c| written_values(&c.result)).chain(else_result.iter().flat_map(|e| written_values(e))) {
                if !out.contains(&v) {
                    out.push(v);
                }
            }
            out
        }
        Expr::Nested(inner) => written_values(inner),
        _ => literal(e).into_iter().collect(),
    }
}

/// The literal values of each output column of an INSERT's source
/// (`VALUES` rows, or the SELECT list, through UNIONs), by position.
fn source_values(body: &SetExpr, out: &mut Vec<Vec<String>>) {
    // A set per column beside the list: an INSERT of 100,000 rows was
    // quadratic with `contains` on the list (issue 11).
    let mut seen: Vec<std::collections::HashSet<String>> = out.iter().map(|slot| slot.iter().cloned().collect()).collect();
    let mut add = |i: usize, vals: Vec<String>| {
        if let (Some(slot), Some(seen)) = (out.get_mut(i), seen.get_mut(i)) {
            for v in vals {
                if seen.insert(v.clone()) {
                    slot.push(v);
                }
            }
        }
    };
    match body {
        SetExpr::Values(v) => {
            for row in &v.rows {
                for (i, e) in row.content.iter().enumerate() {
                    add(i, written_values(e));
                }
            }
        }
        SetExpr::Select(sel) => {
            for (i, item) in sel.projection.iter().enumerate() {
                match item {
                    SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } | SelectItem::ExprWithAliases { expr: e, .. } => {
                        add(i, written_values(e))
                    }
                    // A wildcard: positions after it are unknown.
                    SelectItem::Wildcard(_) | SelectItem::QualifiedWildcard(..) => return,
                }
            }
        }
        SetExpr::SetOperation { left, right, .. } => {
            source_values(left, out);
            source_values(right, out);
        }
        SetExpr::Query(q) => source_values(&q.body, out),
        _ => {}
    }
}

fn last_ident(name: &ObjectName) -> Option<&Ident> {
    name.0.iter().rev().find_map(|p| match p {
        ObjectNamePart::Identifier(i) => Some(i),
        _ => None,
    })
}

impl<'s> Resolver<'s> {
    fn id(&self, i: &Ident) -> String {
        ident(self.d, i)
    }

    fn use_col(&mut self, table: &str, column: &str, access: Access, values: Vec<String>) {
        self.fp.columns.push(ColumnUse { table: table.to_string(), column: column.to_string(), access, values });
    }

    fn cte_lookup(&self, name: &str) -> Option<Option<Vec<String>>> {
        self.ctes.iter().rev().flat_map(|level| level.iter().rev()).find(|(n, _)| n == name).map(|(_, c)| c.clone())
    }

    /// Resolve a table name in FROM / INSERT INTO / UPDATE.
    fn relation(&mut self, name: &ObjectName, alias: Option<&Ident>, access: TableAccess) -> Rel {
        let key = object_name(self.d, name);
        let alias = alias.map(|a| self.id(a)).unwrap_or_else(|| crate::ident::base_name(&key).to_string());
        if name.0.len() == 1 {
            if let Some(cols) = self.cte_lookup(&key) {
                return Rel { alias, kind: RelKind::Derived(cols) };
            }
        }
        if self.schema.has_relation(&key) {
            self.fp.tables.push(TableUse { table: key.clone(), access });
            Rel { alias, kind: RelKind::Table(key) }
        } else if is_system_relation(self.d, &key) {
            // The engine's own catalog: there whatever the migrations do.
            Rel { alias, kind: RelKind::Unknown }
        } else {
            let suggestion = did_you_mean(&key, self.schema.relation_names());
            let removed = self.schema.removal(&key, None).cloned();
            self.fp.issues.push(Issue::UnknownTable { name: key, suggestion, removed });
            Rel { alias, kind: RelKind::Unknown }
        }
    }

    fn rel_columns(&self, rel: &Rel) -> Option<Vec<String>> {
        match &rel.kind {
            RelKind::Table(k) => self.schema.relation_columns(k),
            RelKind::Derived(c) => c.clone(),
            RelKind::Unknown => None,
        }
    }

    fn query(&mut self, q: &Query, outer: &[Scope]) -> Vec<String> {
        self.depth += 1;
        let out = self.query_inner(q, outer);
        self.depth -= 1;
        out
    }

    fn query_inner(&mut self, q: &Query, outer: &[Scope]) -> Vec<String> {
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

    fn set_expr(&mut self, se: &SetExpr, outer: &[Scope]) -> (Vec<String>, Option<Scope>) {
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

    fn resolve_from(&mut self, from: &[TableWithJoins], outer: &[Scope], scope: &mut Scope, access: TableAccess) -> Vec<Expr> {
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

    fn factor(&mut self, tf: &TableFactor, outer: &[Scope], scope: &mut Scope, access: TableAccess, ons: &mut Vec<Expr>) {
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

    fn select(&mut self, s: &Select, outer: &[Scope]) -> (Vec<String>, Scope) {
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
    fn output_name(&self, e: &Expr) -> String {
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
    fn expand(&mut self, rel: &Rel) -> Vec<String> {
        let cols = self.rel_columns(rel).unwrap_or_default();
        if let RelKind::Table(t) = &rel.kind {
            let only = if self.depth == 1 { self.only } else { None };
            for c in cols.iter().filter(|c| only.is_none_or(|o| o.contains(c))) {
                self.use_col(t, c, Access::Read, vec![]);
            }
        }
        cols
    }

    fn expr(&mut self, e: &Expr, access: Access, scopes: &[Scope], aliases: &[String]) {
        let mut c = Collector { depth: 0, out: Collected::default() };
        let _ = e.visit(&mut c);
        self.resolve_collected(c.out, access, scopes, aliases);
    }

    fn resolve_collected(&mut self, c: Collected, access: Access, scopes: &[Scope], aliases: &[String]) {
        for (parts, values) in c.idents {
            self.column_ref(&parts, access, values, scopes, aliases);
        }
        for q in c.subqueries {
            // Correlated subqueries see the enclosing scopes.
            self.query(&q, scopes);
        }
    }

    fn column_ref(&mut self, parts: &[Ident], access: Access, values: Vec<String>, scopes: &[Scope], aliases: &[String]) {
        let names: Vec<String> = parts.iter().map(|p| self.id(p)).collect();
        match names.as_slice() {
            [col] => self.unqualified(col, parts[0].quote_style.is_some(), access, values, scopes, aliases),
            [.., q, col] => {
                let q_full = if names.len() > 2 { crate::ident::qualify(self.d, &names[..names.len() - 1]) } else { q.clone() };
                let rel = scopes
                    .iter()
                    .rev()
                    .flat_map(|s| s.iter().rev())
                    .find(|r| r.alias == *q || r.alias == q_full || matches!(&r.kind, RelKind::Table(t) if *t == q_full))
                    .cloned();
                match rel {
                    Some(rel) => self.in_rel(&rel, col, access, values),
                    None if q == "excluded" || q == "new" || q == "old" => {}
                    None => {
                        // Could be a composite field or function-qualified name; only report when
                        // nothing in scope could explain it.
                        if scopes.iter().flatten().all(|r| matches!(r.kind, RelKind::Table(_))) {
                            self.fp.issues.push(Issue::UnknownTable { name: q.clone(), suggestion: None, removed: None });
                        }
                    }
                }
            }
            [] => {}
        }
    }

    fn in_rel(&mut self, rel: &Rel, col: &str, access: Access, values: Vec<String>) {
        match &rel.kind {
            RelKind::Table(t) => {
                let cols = self.schema.relation_columns(t).unwrap_or_default();
                if cols.iter().any(|c| c == col) {
                    let t = t.clone();
                    self.use_col(&t, col, access, values);
                } else {
                    let suggestion = did_you_mean(col, cols.iter().map(|s| s.as_str()));
                    let removed = self.schema.removal(t, Some(col)).cloned();
                    self.fp.issues.push(Issue::UnknownColumn { table: Some(t.clone()), column: col.to_string(), suggestion, removed });
                }
            }
            RelKind::Derived(Some(cols)) if !cols.is_empty() && !cols.iter().any(|c| c == col) => {
                let suggestion = did_you_mean(col, cols.iter().map(|s| s.as_str()));
                self.fp.issues.push(Issue::UnknownColumn { table: Some(rel.alias.clone()), column: col.to_string(), suggestion, removed: None });
            }
            _ => {}
        }
    }

    fn unqualified(&mut self, col: &str, quoted: bool, access: Access, values: Vec<String>, scopes: &[Scope], aliases: &[String]) {
        if !quoted && NOT_COLUMNS.contains(&col) {
            return;
        }
        for scope in scopes.iter().rev() {
            let mut definite: Vec<Rel> = Vec::new();
            let mut maybe = false;
            for rel in scope {
                match self.rel_columns(rel) {
                    Some(cols) if cols.iter().any(|c| c == col) => definite.push(rel.clone()),
                    Some(cols) if cols.is_empty() && !matches!(rel.kind, RelKind::Table(_)) => maybe = true,
                    Some(_) => {}
                    None => maybe = true,
                }
            }
            match definite.len() {
                1 => {
                    let rel = definite.remove(0);
                    self.in_rel(&rel, col, access, values);
                    return;
                }
                0 if maybe => return,
                0 => continue,
                _ if self.merged.iter().any(|m| m == col) => {
                    // Merged by a USING join: the one column of all of them.
                    for rel in definite {
                        self.in_rel(&rel, col, access, values.clone());
                    }
                    return;
                }
                _ => {
                    // Same table joined twice (self-join) is still ambiguous in SQL.
                    let tables = definite
                        .iter()
                        .map(|r| match &r.kind {
                            RelKind::Table(t) if r.alias != crate::ident::base_name(t) => format!("{t} as {}", r.alias),
                            RelKind::Table(t) => t.clone(),
                            _ => r.alias.clone(),
                        })
                        .collect();
                    self.fp.issues.push(Issue::AmbiguousColumn { column: col.to_string(), tables });
                    return;
                }
            }
        }
        if aliases.iter().any(|a| a == col) {
            return;
        }
        let candidates: Vec<(String, Vec<String>)> = scopes
            .iter()
            .flatten()
            .filter_map(|r| match &r.kind {
                RelKind::Table(t) => self.schema.relation_columns(t).map(|c| (t.clone(), c)),
                _ => None,
            })
            .collect();
        let suggestion = did_you_mean(col, candidates.iter().flat_map(|(_, c)| c.iter().map(|s| s.as_str())));
        let (table, removed) = match candidates.as_slice() {
            [(t, _)] => (Some(t.clone()), self.schema.removal(t, Some(col)).cloned()),
            _ => (None, candidates.iter().find_map(|(t, _)| self.schema.removal(t, Some(col)).cloned())),
        };
        let table = table.or_else(|| removed.as_ref().map(|r| r.table.clone()));
        self.fp.issues.push(Issue::UnknownColumn { table, column: col.to_string(), suggestion, removed });
    }

    fn returning(&mut self, items: &Option<Vec<SelectItem>>, scopes: &[Scope], scope: &Scope) {
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

    fn insert(&mut self, ins: &Insert, outer: &[Scope]) {
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

    fn assignments(&mut self, assigns: &[sqlparser::ast::Assignment], target: &Rel, scopes: &[Scope]) {
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

    fn update(&mut self, up: &Update, outer: &[Scope]) {
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

    fn delete(&mut self, del: &Delete, outer: &[Scope]) {
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
    use super::*;
    use crate::migrations::{MigrationSource, SourceFile};
    use crate::schema::analyze;

    fn schema(sql: &str) -> Schema {
        let h = analyze(Dialect::Postgres, &MigrationSource::new("m", vec![SourceFile::new("V1__s.sql", sql)]));
        assert!(!h.has_errors(), "{:?}", h.diagnostics);
        h.schema
    }

    fn uses(fp: &QueryFootprint) -> Vec<String> {
        fp.columns
            .iter()
            .map(|u| format!("{:?} {}.{}{}", u.access, u.table, u.column, if u.values.is_empty() { String::new() } else { format!("={}", u.values.join("|")) }))
            .collect()
    }

    const S: &str = "CREATE TABLE orders (id INT PRIMARY KEY, customer_id INT NOT NULL, status TEXT NOT NULL, total INT);\nCREATE TABLE customers (id INT PRIMARY KEY, name TEXT);";

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
    fn the_engines_catalog_is_always_there() {
        let s = schema("CREATE TABLE t (id INT);");
        for sql in [
            "SELECT relname FROM pg_catalog.pg_class",
            "SELECT count(*) FROM pg_stat_activity",
            "SELECT column_name FROM information_schema.columns WHERE table_name = 't'",
        ] {
            let fp = analyze_sql(Dialect::Postgres, &s, sql).unwrap();
            assert!(fp.issues.is_empty(), "{sql}: {:?}", fp.issues);
        }
        let fp = analyze_sql(Dialect::Postgres, &s, "SELECT x FROM pg_nothing_real.t2").unwrap();
        assert_eq!(fp.issues.len(), 1);
    }

    #[test]
    fn unknown_and_ambiguous_references_are_issues() {
        let s = schema(S);
        let fp = analyze_sql(Dialect::Postgres, &s, "SELECT id, totl FROM orders JOIN customers ON true").unwrap();
        let msgs: Vec<String> = fp.issues.iter().map(|i| i.message()).collect();
        assert_eq!(msgs.len(), 2, "{msgs:?}");
        assert!(msgs[0].contains("ambiguous"));
        assert!(msgs[1].contains("did you mean `total`"), "{msgs:?}");
        let fp = analyze_sql(Dialect::Postgres, &s, "SELECT 1 FROM ordrs").unwrap();
        assert!(fp.issues[0].message().contains("did you mean `orders`"));
        assert!(analyze_sql(Dialect::Postgres, &s, "SELEC 1").is_err());
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
