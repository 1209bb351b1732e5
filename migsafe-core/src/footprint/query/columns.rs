//! Resolving a column reference in its scopes: qualified by an alias, a
//! table or `schema.table`; unqualified, in the innermost scope that has it
//! (ambiguous when two relations there do, merged by `JOIN … USING`, an
//! output alias in WHERE / GROUP BY); else an issue with a suggestion and
//! what removed it.

use super::collect::{Collected, Collector};
use super::{Rel, RelKind, Resolver, Scope};
use crate::footprint::{Access, Issue};
use crate::suggest::did_you_mean;
use sqlparser::ast::{Expr, Ident, Visit};

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

impl Resolver<'_> {
    pub(super) fn expr(&mut self, e: &Expr, access: Access, scopes: &[Scope], aliases: &[String]) {
        let mut c = Collector { depth: 0, out: Collected::default() };
        let _ = e.visit(&mut c);
        self.resolve_collected(c.out, access, scopes, aliases);
    }

    pub(super) fn resolve_collected(&mut self, c: Collected, access: Access, scopes: &[Scope], aliases: &[String]) {
        for (parts, values) in c.idents {
            self.column_ref(&parts, access, values, scopes, aliases);
        }
        for q in c.subqueries {
            // Correlated subqueries see the enclosing scopes.
            self.query(&q, scopes);
        }
    }

    pub(super) fn column_ref(&mut self, parts: &[Ident], access: Access, values: Vec<String>, scopes: &[Scope], aliases: &[String]) {
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

    pub(super) fn in_rel(&mut self, rel: &Rel, col: &str, access: Access, values: Vec<String>) {
        match &rel.kind {
            RelKind::Table(t) => {
                let cols = self.catalog.relation_columns(t).unwrap_or_default();
                if cols.iter().any(|c| c == col) {
                    let t = t.clone();
                    self.use_col(&t, col, access, values);
                } else if super::is_system_column(self.d, col) {
                    // The engine's own (a rowid): there whatever the migrations do.
                } else {
                    let suggestion = did_you_mean(col, cols.iter().map(|s| s.as_str()));
                    let removed = self.catalog.removal(t, Some(col)).cloned();
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

    pub(super) fn unqualified(&mut self, col: &str, quoted: bool, access: Access, values: Vec<String>, scopes: &[Scope], aliases: &[String]) {
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
        // A system column of a table in scope (SQLite's rowid, PostgreSQL's ctid).
        if super::is_system_column(self.d, col) && scopes.iter().flatten().any(|r| matches!(r.kind, RelKind::Table(_))) {
            return;
        }
        let candidates: Vec<(String, Vec<String>)> = scopes
            .iter()
            .flatten()
            .filter_map(|r| match &r.kind {
                RelKind::Table(t) => self.catalog.relation_columns(t).map(|c| (t.clone(), c)),
                _ => None,
            })
            .collect();
        let suggestion = did_you_mean(col, candidates.iter().flat_map(|(_, c)| c.iter().map(|s| s.as_str())));
        let (table, removed) = match candidates.as_slice() {
            [(t, _)] => (Some(t.clone()), self.catalog.removal(t, Some(col)).cloned()),
            _ => (None, candidates.iter().find_map(|(t, _)| self.catalog.removal(t, Some(col)).cloned())),
        };
        let table = table.or_else(|| removed.as_ref().map(|r| r.table.clone()));
        self.fp.issues.push(Issue::UnknownColumn { table, column: col.to_string(), suggestion, removed });
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{schema, S};
    use crate::footprint::analyze_sql;
    use crate::Dialect;

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

    /// The columns the engine gives every table: SQLite's rowid (atuin's
    /// `ORDER BY created_at ASC, rowid ASC`) and PostgreSQL's system
    /// columns are there; in MySQL, or for a column no engine has, the
    /// reference is still an issue.
    #[test]
    fn an_engines_system_columns_are_there() {
        let s = schema(S);
        for (d, sql) in [
            (Dialect::Sqlite, "SELECT id FROM orders ORDER BY total ASC, rowid ASC"),
            (Dialect::Sqlite, "SELECT o.oid, o._rowid_ FROM orders o WHERE o.ROWID > ?"),
            (Dialect::Postgres, "SELECT ctid, xmin FROM orders WHERE id = $1"),
            (Dialect::Postgres, "DELETE FROM orders o WHERE o.ctid = $1"),
        ] {
            let fp = analyze_sql(d, &s, sql).unwrap();
            assert!(fp.issues.is_empty(), "{d}: {sql}: {:?}", fp.issues);
        }
        for (d, sql) in
            [(Dialect::Mysql, "SELECT rowid FROM orders"), (Dialect::Postgres, "SELECT rowid FROM orders"), (Dialect::Sqlite, "SELECT ctid FROM orders")]
        {
            let fp = analyze_sql(d, &s, sql).unwrap();
            assert_eq!(fp.issues.len(), 1, "{d}: {sql}: {:?}", fp.issues);
        }
    }
}
