//! What a source sees while the engine walks a file ([`Cx`]): the crate's
//! index, the imports, the enclosing function's bindings, and where found
//! sites go; and the classification of a call's SQL argument ([`SqlArg`]).

use super::{CrateIndex, CrateInfo, Files, Imports, SourceId};
use crate::annotations::{Decl, OfflineColumn, RowShape, Site, UnseenDecl};
use crate::diag::{Diagnostic, Location};
use proc_macro2::Span;
use std::collections::HashMap;
use syn::punctuated::Punctuated;
use syn::{Expr, Token};

/// A string literal, or `concat!` of string literals.
pub(super) fn literal_str(e: &Expr) -> Option<String> {
    match e {
        Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) => Some(s.value()),
        Expr::Reference(r) => literal_str(&r.expr),
        Expr::Paren(p) => literal_str(&p.expr),
        Expr::Group(g) => literal_str(&g.expr),
        Expr::Macro(m) if last_ident(&m.mac.path) == "concat" => {
            let parts = m.mac.parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated).ok()?;
            parts.iter().map(literal_str).collect::<Option<Vec<_>>>().map(|v| v.concat())
        }
        _ => None,
    }
}

/// migsafe's own `sql!("…")` (or a renamed import of it): a site of the annotation source already.
pub(super) fn is_sql_macro(e: &Expr, imports: &Imports) -> bool {
    match e {
        Expr::Macro(m) => names(imports, &m.mac.path, "sql"),
        Expr::Reference(r) => is_sql_macro(&r.expr, imports),
        Expr::Paren(p) => is_sql_macro(&p.expr, imports),
        Expr::Group(g) => is_sql_macro(&g.expr, imports),
        _ => false,
    }
}

/// `p` is `name`, written so or imported under another name (`use migsafe_runtime::sql as q;` makes `q` name `sql`).
pub(crate) fn names(imports: &Imports, p: &syn::Path, name: &str) -> bool {
    last_ident(p) == name || imports.resolve(p).rsplit("::").next() == Some(name)
}

pub(crate) fn last_ident(p: &syn::Path) -> String {
    p.segments.last().map(|s| s.ident.to_string()).unwrap_or_default()
}

/// What the SQL argument of a call is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SqlArg {
    /// Its text is known.
    Literal(String),
    /// It is built at run time: why.
    Dynamic(String),
    /// It is migsafe's own `sql!` (or a `const` of one): read as an annotation already.
    Declared,
    /// Nothing tells (a value from elsewhere: maybe not SQL at all).
    Unknown(String),
}

#[derive(Debug, Clone)]
pub(super) enum Binding {
    Sql(SqlArg),
}

/// A struct or enum as the sources see it.
pub struct Item<'a> {
    pub input: syn::DeriveInput,
    pub ident: &'a syn::Ident,
    /// Each derive as written (`sqlx::FromRow`) and by its last segment.
    pub derives: Vec<(String, String)>,
}

impl Item<'_> {
    pub fn derives(&self, last: &str) -> bool {
        self.derives.iter().any(|(_, l)| l == last)
    }
    pub fn derives_full(&self, full: &str) -> bool {
        self.derives.iter().any(|(f, _)| f == full)
    }
}

/// What a source sees while the engine walks one file, and where it puts what it finds.
pub struct Cx<'a> {
    pub file: &'a str,
    pub krate: &'a CrateIndex,
    pub info: &'a CrateInfo,
    pub fs: &'a dyn Files,
    pub imports: Imports,
    /// The enclosing items' names, innermost last.
    pub(super) item: Vec<String>,
    /// Whether each enclosing function declares its footprint with `#[touches]`.
    pub(super) declared: Vec<bool>,
    /// Local bindings of the enclosing functions, innermost scope last.
    pub(super) scopes: Vec<HashMap<String, Binding>>,
    /// The type a `let` declares, while its initializer is walked (`Vec<User>`).
    pub let_type: Option<syn::Type>,
    /// Calls a source already read from an enclosing expression (where it saw
    /// more, e.g. the struct a chain decodes into), by where their path starts.
    handled: std::collections::HashSet<(usize, usize)>,
    pub(super) sites: Vec<Site>,
    pub(super) diags: Vec<Diagnostic>,
}

impl<'a> Cx<'a> {
    pub(super) fn new(file: &'a str, krate: &'a CrateIndex, info: &'a CrateInfo, fs: &'a dyn Files) -> Self {
        Cx {
            file,
            krate,
            info,
            fs,
            imports: Imports::default(),
            item: Vec::new(),
            declared: Vec::new(),
            scopes: Vec::new(),
            let_type: None,
            handled: Default::default(),
            sites: Vec::new(),
            diags: Vec::new(),
        }
    }

    pub fn location(&self, span: Span) -> Location {
        let lc = span.start();
        Location::new(self.file, lc.line as u32, lc.column as u32 + 1)
    }

    /// Record a site at `span`.
    pub fn push(&mut self, span: Span, source: SourceId, decl: Decl) {
        let item = self.item.last().cloned().unwrap_or_default();
        self.sites.push(Site { file: self.file.to_string(), line: span.start().line as u32, item, source, decl });
    }

    /// Record a query site, or an unseen one if its SQL cannot be read.
    pub fn query(&mut self, span: Span, source: SourceId, call: &str, arg: SqlArg, row: Option<RowShape>) {
        self.query_typed(span, source, call, arg, row, None)
    }

    /// [`Cx::query`] for code that decodes with the types the schema had at
    /// compile time (sqlx's macros): `typed` is `Some`, with what the
    /// revision's offline data says of the outputs (empty when it has none).
    pub fn query_typed(&mut self, span: Span, source: SourceId, call: &str, arg: SqlArg, row: Option<RowShape>, typed: Option<Vec<OfflineColumn>>) {
        let schema_typed = typed.is_some();
        let offline = typed.unwrap_or_default();
        match arg {
            SqlArg::Literal(sql) => match (source, self.info.dialect) {
                (SourceId::Annotation, _) | (_, None) => self.push(span, source, Decl::Query(crate::annotations::SqlDecl { sql, row, schema_typed, offline })),
                (_, Some(d)) => match sqlparser::parser::Parser::new(d.parser_dialect().as_ref()).try_with_sql(&sql).and_then(|mut p| p.parse_statements()) {
                    Ok(stmts) if stmts.len() <= 1 => {
                        if !stmts.is_empty() {
                            self.push(span, source, Decl::Query(crate::annotations::SqlDecl { sql, row, schema_typed, offline }))
                        }
                    }
                    Ok(stmts) => {
                        for st in stmts {
                            self.push(
                                span,
                                source,
                                Decl::Query(crate::annotations::SqlDecl { sql: st.to_string(), row: row.clone(), schema_typed, offline: Vec::new() }),
                            );
                        }
                    }
                    Err(e) => {
                        let msg = e.to_string();
                        self.unseen(span, source, call, format!("migsafe cannot parse this {d} SQL ({})", msg.trim_start_matches("sql parser error: ")))
                    }
                },
            },
            SqlArg::Dynamic(reason) | SqlArg::Unknown(reason) => self.unseen(span, source, call, reason),
            SqlArg::Declared => {}
        }
    }

    /// Record a database call whose SQL cannot be read, unless the enclosing function declares its footprint.
    pub fn unseen(&mut self, span: Span, source: SourceId, call: &str, reason: String) {
        if self.declared.iter().any(|d| *d) {
            return;
        }
        self.push(span, source, Decl::Unseen(UnseenDecl { call: call.to_string(), reason }));
    }

    /// Mark the call whose path starts at `span` as read: the engine will not offer it again.
    pub fn mark_handled(&mut self, span: Span) {
        let s = span.start();
        self.handled.insert((s.line, s.column));
    }

    /// Whether the call whose path starts at `span` was already read.
    pub fn was_handled(&self, span: Span) -> bool {
        let s = span.start();
        self.handled.contains(&(s.line, s.column))
    }

    pub fn error(&mut self, span: Span, message: impl Into<String>) {
        let loc = self.location(span);
        self.diags.push(Diagnostic::error(loc, message));
    }

    /// Read a file of the revision (repository-relative).
    pub fn read(&self, path: &str) -> Option<String> {
        self.fs.read(path)
    }

    /// The directory of the file being walked.
    pub fn file_dir(&self) -> &str {
        self.file.rsplit_once('/').map(|(d, _)| d).unwrap_or("")
    }

    /// What the SQL argument `e` is.
    pub fn sql_arg(&self, e: &Expr) -> SqlArg {
        let text = || short(e);
        match e {
            Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) => SqlArg::Literal(s.value()),
            Expr::Reference(r) => self.sql_arg(&r.expr),
            Expr::Paren(p) => self.sql_arg(&p.expr),
            Expr::Group(g) => self.sql_arg(&g.expr),
            Expr::Macro(m) => {
                let name = last_ident(&m.mac.path);
                match name.as_str() {
                    "concat" => literal_str(e)
                        .map(SqlArg::Literal)
                        .unwrap_or_else(|| SqlArg::Dynamic(format!("the SQL is put together with `concat!` from parts that are not literals (`{}`)", text()))),
                    "include_str" => match m.mac.parse_body::<syn::LitStr>() {
                        Ok(p) => {
                            let path = crate::sources::join_path(self.file_dir(), &p.value());
                            match path.and_then(|p| self.read(&p)) {
                                Some(t) => SqlArg::Literal(t),
                                None => SqlArg::Unknown(format!("`include_str!(\"{}\")` names a file migsafe cannot read in this revision", p.value())),
                            }
                        }
                        Err(_) => SqlArg::Unknown(format!("the SQL comes from `{}`", text())),
                    },
                    "format" | "format_args" => SqlArg::Dynamic(format!("the SQL is built at run time with `{name}!`")),
                    "sql" => SqlArg::Declared,
                    _ => SqlArg::Unknown(format!("the SQL comes from the macro `{name}!`")),
                }
            }
            Expr::Binary(b) if matches!(b.op, syn::BinOp::Add(_)) => SqlArg::Dynamic("the SQL is built at run time by concatenation".into()),
            Expr::MethodCall(mc) => {
                let m = mc.method.to_string();
                match m.as_str() {
                    "as_str" | "as_ref" | "to_string" | "to_owned" | "into" | "clone" | "borrow" | "as_deref" => self.sql_arg(&mc.receiver),
                    _ => SqlArg::Dynamic(format!("the SQL is computed at run time (`{}`)", text())),
                }
            }
            Expr::Call(c) => {
                if let Expr::Path(p) = c.func.as_ref() {
                    let segs: Vec<String> = p.path.segments.iter().map(|s| s.ident.to_string()).collect();
                    if segs.ends_with(&["String".into(), "from".into()]) || segs.ends_with(&["Cow".into(), "from".into()]) {
                        if let Some(a) = c.args.first() {
                            return self.sql_arg(a);
                        }
                    }
                }
                SqlArg::Unknown(format!("the SQL is returned by `{}`", text()))
            }
            Expr::Path(p) => {
                if p.path.segments.len() == 1 {
                    let name = p.path.segments[0].ident.to_string();
                    for scope in self.scopes.iter().rev() {
                        if let Some(Binding::Sql(b)) = scope.get(&name) {
                            return match b {
                                SqlArg::Unknown(r) if r.is_empty() => {
                                    SqlArg::Unknown(format!("the SQL comes from `{}`, which migsafe cannot evaluate", text()))
                                }
                                other => other.clone(),
                            };
                        }
                    }
                }
                match self.krate.const_str(&last_ident(&p.path)) {
                    Some(Some(s)) => SqlArg::Literal(s.to_string()),
                    Some(None) => SqlArg::Declared,
                    None => SqlArg::Unknown(format!("the SQL comes from `{}`, which migsafe cannot evaluate", text())),
                }
            }
            Expr::If(_) | Expr::Match(_) | Expr::Block(_) => SqlArg::Dynamic(format!("the SQL is chosen at run time (`{}`)", text())),
            _ => SqlArg::Unknown(format!("the SQL comes from `{}`, which migsafe cannot evaluate", text())),
        }
    }

    pub(super) fn bind(&mut self, name: String, b: Binding) {
        if let Some(s) = self.scopes.last_mut() {
            s.insert(name, b);
        }
    }
}

/// Join a `/`-separated relative path onto a directory; `None` if it climbs out.
pub fn join_path(base: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for p in base.split('/').chain(rel.split('/')) {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

/// An expression as text, shortened for a message.
pub fn short(e: &impl quote::ToTokens) -> String {
    let t = quote::ToTokens::to_token_stream(e).to_string();
    let t = t
        .replace(" :: ", "::")
        .replace(" . ", ".")
        .replace(" (", "(")
        .replace("( ", "(")
        .replace(" )", ")")
        .replace(" ,", ",")
        .replace("& ", "&")
        .replace(" !", "!");
    if t.chars().count() > 60 {
        format!("{}…", t.chars().take(57).collect::<String>())
    } else {
        t
    }
}
