//! Gathering what one expression refers to at its own query level: column
//! references with the literals they are compared with, the subqueries to
//! walk, and the literal values an INSERT or an assignment writes.

use sqlparser::ast::{BinaryOperator, Expr, Ident, InTarget, Query, SelectItem, SetExpr, Value, Visitor};
use std::ops::ControlFlow;

/// What the visitor collects at one query level.
#[derive(Default)]
pub(super) struct Collected {
    pub(super) idents: Vec<(Vec<Ident>, Vec<String>)>,
    pub(super) subqueries: Vec<Query>,
}

pub(super) struct Collector {
    pub(super) depth: usize,
    pub(super) out: Collected,
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

pub(super) fn column_parts(e: &Expr) -> Option<Vec<Ident>> {
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
pub(super) fn source_values(body: &SetExpr, out: &mut Vec<Vec<String>>) {
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
