//! Footprint sources: every reader that finds, in a crate's Rust code, the
//! SQL it runs and the tables it maps, and turns them into [`Site`]s.
//!
//! A service is written with sqlx, diesel, SeaORM, tokio-postgres, rusqlite
//! or mysql, or with migsafe's own annotations. Each of those is one module
//! here, implementing [`Source`]; [`REGISTRY`] lists them all (a test checks
//! it). Every source produces the same [`Decl`]s, so every rule works on
//! every source unchanged.
//!
//! The engine ([`scan_crate`]) parses each file once with syn, indexes the
//! crate (string constants, structs), and walks each file once, offering
//! every macro, call, method call, item and function to each source. It
//! resolves paths through the file's `use` imports, so a user's own
//! `fn query(&str)` is not taken for `sqlx::query`, and it classifies the SQL
//! argument of a call ([`SqlArg`]): a literal (or a `const`, `static`,
//! `concat!`, `include_str!` of one) is read; anything else is an *unseen*
//! site ([`Decl::Unseen`]), reported with its file and line, never assumed
//! harmless.
//!
//! Like the rest of the core this does no IO: files other than the sources
//! (`include_str!`, `query_file!`) come through the [`Files`] trait.

mod annotations;
mod diesel;
mod mysql;
mod postgres;
mod rusqlite;
mod seaorm;
mod sqlx;

use crate::annotations::{Decl, RowShape, Site, UnseenDecl};
use crate::diag::{Diagnostic, Location};
use proc_macro2::Span;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit::Visit;
use syn::{Attribute, Expr, Token};

/// Which reader found a site.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceId {
    /// migsafe's own `sql!`, `#[derive(Table)]`, `#[derive(SqlEnum)]`, `#[touches]`.
    #[default]
    Annotation,
    Sqlx,
    Diesel,
    SeaOrm,
    /// tokio-postgres, postgres, deadpool-postgres.
    Postgres,
    Rusqlite,
    /// mysql, mysql_async.
    Mysql,
}

impl SourceId {
    pub fn name(self) -> &'static str {
        match self {
            SourceId::Annotation => "annotation",
            SourceId::Sqlx => "sqlx",
            SourceId::Diesel => "diesel",
            SourceId::SeaOrm => "sea-orm",
            SourceId::Postgres => "tokio-postgres",
            SourceId::Rusqlite => "rusqlite",
            SourceId::Mysql => "mysql",
        }
    }
}

impl std::fmt::Display for SourceId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What a source is, as data (docs and `footprint` read it).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct SourceMeta {
    pub id: SourceId,
    /// The crates whose use turns the source on (empty: always on).
    pub crates: &'static [&'static str],
    /// Markdown: what it reads and how it maps it to sites.
    pub doc: &'static str,
}

/// One reader of database code. Every hook is optional; a hook that
/// recognises what it is shown returns `true` so the engine does not look
/// inside it again.
pub trait Source: Sync {
    fn meta(&self) -> &'static SourceMeta;
    /// A struct or enum, with its derives.
    fn item(&self, _cx: &mut Cx, _item: &Item) {}
    /// A function (free, in an impl or a trait), before its body is walked.
    fn function(&self, _cx: &mut Cx, _attrs: &[Attribute], _name: &syn::Ident) {}
    /// A macro invocation (in an item, a statement or an expression).
    fn mac(&self, _cx: &mut Cx, _m: &syn::Macro) -> bool {
        false
    }
    /// A call of a path (`sqlx::query("…")`).
    fn call(&self, _cx: &mut Cx, _call: &syn::ExprCall, _path: &syn::Path) -> bool {
        false
    }
    /// A method call (`client.query("…", &[])`).
    fn method(&self, _cx: &mut Cx, _call: &syn::ExprMethodCall) -> bool {
        false
    }
}

/// Every source, in the order they are offered each node.
pub static REGISTRY: &[&dyn Source] =
    &[&annotations::Annotations, &sqlx::Sqlx, &diesel::Diesel, &seaorm::SeaOrm, &postgres::Postgres, &rusqlite::Rusqlite, &mysql::Mysql];

/// Files other than the Rust sources, by repository-relative path.
pub trait Files {
    fn read(&self, path: &str) -> Option<String>;
}

/// No files: `include_str!` and `query_file!` become unseen sites.
pub struct NoFiles;

impl Files for NoFiles {
    fn read(&self, _path: &str) -> Option<String> {
        None
    }
}

/// What the engine knows of the crate beyond its sources.
#[derive(Debug, Clone, Default)]
pub struct CrateInfo {
    /// The package directory, repository-relative (`""` for the root): `query_file!` paths start there.
    pub dir: String,
    /// The crates it depends on, when known; `None` turns every source on.
    pub deps: Option<Vec<String>>,
    /// The dialect its SQL is in, when known: the library readers then split
    /// multi-statement SQL, and SQL the parser cannot read becomes an unseen
    /// site instead of a query that "does not parse".
    pub dialect: Option<crate::Dialect>,
}

impl CrateInfo {
    fn uses(&self, meta: &SourceMeta) -> bool {
        meta.crates.is_empty() || self.deps.as_ref().is_none_or(|d| meta.crates.iter().any(|c| d.iter().any(|x| x == c)))
    }
}

/// The outcome of scanning a crate.
#[derive(Debug, Default)]
pub struct Scan {
    pub sites: Vec<Site>,
    pub diagnostics: Vec<Diagnostic>,
    /// The files that held at least one site or diagnostic (for snippets).
    pub files: Vec<String>,
}

/// Words a file must contain for any source to find something in it.
const PREFILTER: &[&str] = &["sql", "Sql", "Table", "touches", "query", "execute", "prepare", "table!", "sea_orm", "exec", "diesel", "FromRow", "Insertable"];

/// Scan every file of one crate with every source the crate uses.
pub fn scan_crate(files: &[(String, String)], info: &CrateInfo, fs: &dyn Files) -> Scan {
    let sources: Vec<&dyn Source> = REGISTRY.iter().copied().filter(|s| info.uses(s.meta())).collect();
    let mut scan = Scan::default();
    let mut parsed = Vec::new();
    for (path, text) in files {
        if !PREFILTER.iter().any(|w| text.contains(w)) {
            continue;
        }
        match syn::parse_file(text) {
            Ok(f) => parsed.push((path.as_str(), f)),
            Err(e) => {
                let lc = e.span().start();
                scan.diagnostics.push(Diagnostic::error(Location::new(path, lc.line as u32, lc.column as u32 + 1), format!("Rust source does not parse: {e}")));
                scan.files.push(path.clone());
            }
        }
    }
    let mut index = CrateIndex::default();
    for (_, f) in &parsed {
        index.add(f);
    }
    for (path, f) in &parsed {
        let test_only = is_test_path(path);
        let mut w = Walker { cx: Cx::new(path, &index, info, fs), sources: &sources, test_only };
        w.cx.imports = Imports::of(f);
        w.visit_file(f);
        if !w.cx.sites.is_empty() || !w.cx.diags.is_empty() {
            scan.files.push(path.to_string());
        }
        scan.sites.append(&mut w.cx.sites);
        scan.diagnostics.append(&mut w.cx.diags);
    }
    scan
}

/// One file on its own, every source on (what the annotation tests and the fuzzers use).
pub fn scan_file(file: &str, text: &str) -> (Vec<Site>, Vec<Diagnostic>) {
    let s = scan_crate(&[(file.to_string(), text.to_string())], &CrateInfo::default(), &NoFiles);
    (s.sites, s.diagnostics)
}

/// Tests, benches and examples do not run in production: only annotations count there.
fn is_test_path(path: &str) -> bool {
    path.split('/').any(|c| c == "tests" || c == "benches" || c == "examples") || path.ends_with("build.rs")
}

/// Crate-wide facts every file may need: string constants and struct definitions.
#[derive(Default)]
pub struct CrateIndex {
    consts: HashMap<String, Vec<String>>,
    structs: HashMap<String, syn::ItemStruct>,
}

impl CrateIndex {
    fn add(&mut self, f: &syn::File) {
        struct V<'a>(&'a mut CrateIndex);
        impl<'ast> Visit<'ast> for V<'_> {
            fn visit_item_const(&mut self, i: &'ast syn::ItemConst) {
                if let Some(s) = literal_str(&i.expr) {
                    self.0.consts.entry(i.ident.to_string()).or_default().push(s);
                }
            }
            fn visit_item_static(&mut self, i: &'ast syn::ItemStatic) {
                if let Some(s) = literal_str(&i.expr) {
                    self.0.consts.entry(i.ident.to_string()).or_default().push(s);
                }
            }
            fn visit_item_struct(&mut self, i: &'ast syn::ItemStruct) {
                self.0.structs.insert(i.ident.to_string(), i.clone());
            }
            fn visit_item_fn(&mut self, _: &'ast syn::ItemFn) {}
        }
        V(self).visit_file(f);
    }

    /// The value of a crate-level `const` / `static` string, when exactly one has that name.
    pub fn const_str(&self, name: &str) -> Option<&str> {
        match self.consts.get(name).map(|v| v.as_slice()) {
            Some([one]) => Some(one),
            _ => None,
        }
    }

    pub fn struct_named(&self, name: &str) -> Option<&syn::ItemStruct> {
        self.structs.get(name)
    }
}

/// A string literal, or `concat!` of string literals.
fn literal_str(e: &Expr) -> Option<String> {
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

pub(crate) fn last_ident(p: &syn::Path) -> String {
    p.segments.last().map(|s| s.ident.to_string()).unwrap_or_default()
}

/// The names a file's `use` items bring in.
#[derive(Debug, Default)]
pub struct Imports {
    /// Local name → full path (`q` → `sqlx::query`).
    alias: HashMap<String, String>,
    /// `use x::*` prefixes.
    globs: Vec<String>,
    /// Functions and macros the file itself defines (they shadow globs).
    local: HashSet<String>,
}

impl Imports {
    fn of(f: &syn::File) -> Imports {
        struct V(Imports);
        impl<'ast> Visit<'ast> for V {
            fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
                collect_use(&u.tree, String::new(), &mut self.0);
            }
            fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
                self.0.local.insert(f.sig.ident.to_string());
                syn::visit::visit_item_fn(self, f);
            }
            fn visit_item_macro(&mut self, m: &'ast syn::ItemMacro) {
                if let Some(i) = &m.ident {
                    self.0.local.insert(i.to_string());
                }
            }
        }
        let mut v = V(Imports::default());
        v.visit_file(f);
        v.0
    }

    /// The full path `p` names, as far as the imports tell (`q` → `sqlx::query`).
    pub fn resolve(&self, p: &syn::Path) -> String {
        let segs: Vec<String> = p.segments.iter().map(|s| s.ident.to_string()).collect();
        let Some(first) = segs.first() else { return String::new() };
        match self.alias.get(first) {
            Some(full) if !self.local.contains(first) || segs.len() > 1 => {
                let mut out = full.clone();
                for s in &segs[1..] {
                    out.push_str("::");
                    out.push_str(s);
                }
                out
            }
            _ => segs.join("::"),
        }
    }

    /// Which of `candidates` (full paths) `p` names: through an import, a glob, or written in full.
    pub fn matches<'c>(&self, p: &syn::Path, candidates: &[&'c str]) -> Option<&'c str> {
        let full = self.resolve(p);
        if let Some(c) = candidates.iter().find(|c| **c == full) {
            return Some(c);
        }
        if p.segments.len() == 1 && !self.alias.contains_key(&full) && !self.local.contains(&full) {
            for g in &self.globs {
                let via = format!("{g}::{full}");
                if let Some(c) = candidates.iter().find(|c| **c == via) {
                    return Some(c);
                }
            }
        }
        None
    }

    /// The full path a written path names (`Type` → `sqlx::Type`).
    pub fn resolve_str(&self, written: &str) -> String {
        match syn::parse_str::<syn::Path>(written) {
            Ok(p) => self.resolve(&p),
            Err(_) => written.to_string(),
        }
    }

    /// Whether the file defines (or imports from elsewhere) a name of its own.
    pub fn shadows(&self, name: &str, krate: &str) -> bool {
        self.local.contains(name) || self.alias.get(name).is_some_and(|full| !full.starts_with(&format!("{krate}::")))
    }
}

fn collect_use(tree: &syn::UseTree, prefix: String, out: &mut Imports) {
    let join = |p: &str, s: &str| if p.is_empty() { s.to_string() } else { format!("{p}::{s}") };
    match tree {
        syn::UseTree::Path(p) => collect_use(&p.tree, join(&prefix, &p.ident.to_string()), out),
        syn::UseTree::Name(n) => {
            if n.ident == "self" {
                if let Some(last) = prefix.rsplit("::").next() {
                    out.alias.insert(last.to_string(), prefix.clone());
                }
            } else {
                out.alias.insert(n.ident.to_string(), join(&prefix, &n.ident.to_string()));
            }
        }
        syn::UseTree::Rename(r) => {
            let full = if r.ident == "self" { prefix.clone() } else { join(&prefix, &r.ident.to_string()) };
            out.alias.insert(r.rename.to_string(), full);
        }
        syn::UseTree::Glob(_) => out.globs.push(prefix),
        syn::UseTree::Group(g) => {
            for t in &g.items {
                collect_use(t, prefix.clone(), out);
            }
        }
    }
}

/// What the SQL argument of a call is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SqlArg {
    /// Its text is known.
    Literal(String),
    /// It is built at run time: why.
    Dynamic(String),
    /// Nothing tells (a value from elsewhere: maybe not SQL at all).
    Unknown(String),
}

#[derive(Debug, Clone)]
enum Binding {
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
    item: Vec<String>,
    /// Whether each enclosing function declares its footprint with `#[touches]`.
    declared: Vec<bool>,
    /// Local bindings of the enclosing functions, innermost scope last.
    scopes: Vec<HashMap<String, Binding>>,
    /// The type a `let` declares, while its initializer is walked (`Vec<User>`).
    pub let_type: Option<syn::Type>,
    sites: Vec<Site>,
    diags: Vec<Diagnostic>,
}

impl<'a> Cx<'a> {
    fn new(file: &'a str, krate: &'a CrateIndex, info: &'a CrateInfo, fs: &'a dyn Files) -> Self {
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
        match arg {
            SqlArg::Literal(sql) => match (source, self.info.dialect) {
                (SourceId::Annotation, _) | (_, None) => self.push(span, source, Decl::Query(crate::annotations::SqlDecl { sql, row })),
                (_, Some(d)) => match sqlparser::parser::Parser::new(d.parser_dialect().as_ref()).try_with_sql(&sql).and_then(|mut p| p.parse_statements()) {
                    Ok(stmts) if stmts.len() <= 1 => {
                        if !stmts.is_empty() {
                            self.push(span, source, Decl::Query(crate::annotations::SqlDecl { sql, row }))
                        }
                    }
                    Ok(stmts) => {
                        for st in stmts {
                            self.push(span, source, Decl::Query(crate::annotations::SqlDecl { sql: st.to_string(), row: row.clone() }));
                        }
                    }
                    Err(e) => {
                        let msg = e.to_string();
                        self.unseen(span, source, call, format!("migsafe cannot parse this {d} SQL ({})", msg.trim_start_matches("sql parser error: ")))
                    }
                },
            },
            SqlArg::Dynamic(reason) | SqlArg::Unknown(reason) => self.unseen(span, source, call, reason),
        }
    }

    /// Record a database call whose SQL cannot be read, unless the enclosing function declares its footprint.
    pub fn unseen(&mut self, span: Span, source: SourceId, call: &str, reason: String) {
        if self.declared.iter().any(|d| *d) {
            return;
        }
        self.push(span, source, Decl::Unseen(UnseenDecl { call: call.to_string(), reason }));
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
                            return b.clone();
                        }
                    }
                }
                match self.krate.const_str(&last_ident(&p.path)) {
                    Some(s) => SqlArg::Literal(s.to_string()),
                    None => SqlArg::Unknown(format!("the SQL comes from `{}`, which migsafe cannot evaluate", text())),
                }
            }
            Expr::If(_) | Expr::Match(_) | Expr::Block(_) => SqlArg::Dynamic(format!("the SQL is chosen at run time (`{}`)", text())),
            _ => SqlArg::Unknown(format!("the SQL comes from `{}`, which migsafe cannot evaluate", text())),
        }
    }

    fn bind(&mut self, name: String, b: Binding) {
        if let Some(s) = self.scopes.last_mut() {
            s.insert(name, b);
        }
    }
}

/// Join a `/`-separated relative path onto a directory; `None` if it climbs out.
pub(crate) fn join_path(base: &str, rel: &str) -> Option<String> {
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

/// The `key = value` and bare `key` arguments of every `#[name(...)]` attribute:
/// a string literal's value, a path or integer as written, `None` for a flag.
/// Nested lists (`#[diesel(check_for_backend(..))]`) are skipped.
pub fn attr_args(attrs: &[Attribute], name: &str) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    for a in attrs.iter().filter(|a| a.path().is_ident(name)) {
        let _ = a.parse_nested_meta(|meta| {
            let key = meta.path.segments.iter().map(|s| s.ident.to_string()).collect::<Vec<_>>().join("::");
            if meta.input.peek(Token![=]) {
                let v: Expr = meta.value()?.parse()?;
                let v = match &v {
                    Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) => s.value(),
                    other => quote::ToTokens::to_token_stream(other).to_string().replace(' ', ""),
                };
                out.push((key, Some(v)));
            } else if meta.input.peek(syn::token::Paren) {
                let _ = meta.input.parse::<proc_macro2::Group>();
            } else {
                out.push((key, None));
            }
            Ok(())
        });
    }
    out
}

/// The value of `key` in `#[name(key = …)]`, or of the old `#[key = "…"]` form.
pub fn attr_value(attrs: &[Attribute], name: &str, key: &str) -> Option<String> {
    if let Some((_, v)) = attr_args(attrs, name).into_iter().find(|(k, v)| k == key && v.is_some()) {
        return v;
    }
    attrs.iter().filter(|a| a.path().is_ident(key)).find_map(|a| match &a.meta {
        syn::Meta::NameValue(nv) => match &nv.value {
            Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) => Some(s.value()),
            other => Some(quote::ToTokens::to_token_stream(other).to_string().replace(' ', "")),
        },
        _ => None,
    })
}

/// Whether `#[name(flag)]` (or `#[name(flag = …)]`) is present.
pub fn attr_flag(attrs: &[Attribute], name: &str, flag: &str) -> bool {
    attr_args(attrs, name).iter().any(|(k, _)| k == flag)
}

/// Does an attribute list carry `#[cfg(test)]`?
fn is_cfg_test(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("cfg") && a.parse_args::<syn::Ident>().is_ok_and(|i| i == "test"))
}

fn derives_of(attrs: &[Attribute]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for a in attrs.iter().filter(|a| a.path().is_ident("derive")) {
        if let Ok(paths) = a.parse_args_with(Punctuated::<syn::Path, Token![,]>::parse_terminated) {
            for p in paths {
                let full = p.segments.iter().map(|s| s.ident.to_string()).collect::<Vec<_>>().join("::");
                out.push((full, last_ident(&p)));
            }
        }
    }
    out
}

/// Is `ty` a string type a function could take SQL in?
fn is_string_type(ty: &syn::Type) -> bool {
    let t = quote::ToTokens::to_token_stream(ty).to_string().replace(' ', "");
    matches!(t.as_str(), "&str" | "String" | "&String" | "&'staticstr" | "implAsRef<str>" | "implInto<String>" | "Cow<str>" | "Cow<'_,str>" | "&mutString")
}

struct Walker<'a, 's> {
    cx: Cx<'a>,
    sources: &'s [&'s dyn Source],
    /// Tests, benches, examples: only annotations count.
    test_only: bool,
}

impl<'s> Walker<'_, 's> {
    fn active(&self) -> Vec<&'s dyn Source> {
        self.sources.iter().copied().filter(|s| !self.test_only || s.meta().id == SourceId::Annotation).collect()
    }

    fn skipped(&self, attrs: &[Attribute]) -> bool {
        is_cfg_test(attrs) && !self.test_only
    }

    fn derive_item(&mut self, attrs: &[Attribute], ident: &syn::Ident, input: impl FnOnce() -> syn::DeriveInput) {
        let derives = derives_of(attrs);
        if derives.is_empty() {
            return;
        }
        let item = Item { input: input(), ident, derives };
        for s in self.active() {
            s.item(&mut self.cx, &item);
        }
    }

    fn function(&mut self, attrs: &[Attribute], sig: &syn::Signature, body: impl FnOnce(&mut Self)) {
        self.cx.item.push(sig.ident.to_string());
        for s in self.active() {
            s.function(&mut self.cx, attrs, &sig.ident);
        }
        let declared = attrs.iter().any(|a| a.path().segments.last().is_some_and(|s| s.ident == "touches"));
        self.cx.declared.push(declared);
        let mut scope = HashMap::new();
        for input in &sig.inputs {
            if let syn::FnArg::Typed(pt) = input {
                if let syn::Pat::Ident(pi) = pt.pat.as_ref() {
                    if is_string_type(&pt.ty) {
                        let name = pi.ident.to_string();
                        scope.insert(name.clone(), Binding::Sql(SqlArg::Dynamic(format!("the SQL is passed in as the parameter `{name}` of `{}`", sig.ident))));
                    }
                }
            }
        }
        self.cx.scopes.push(scope);
        body(self);
        self.cx.scopes.pop();
        self.cx.declared.pop();
        self.cx.item.pop();
    }
}

impl<'ast> Visit<'ast> for Walker<'_, '_> {
    fn visit_item_mod(&mut self, i: &'ast syn::ItemMod) {
        if !self.skipped(&i.attrs) {
            syn::visit::visit_item_mod(self, i);
        }
    }

    fn visit_item_struct(&mut self, i: &'ast syn::ItemStruct) {
        if self.skipped(&i.attrs) {
            return;
        }
        self.cx.item.push(i.ident.to_string());
        self.derive_item(&i.attrs, &i.ident, || syn::DeriveInput::from(i.clone()));
        syn::visit::visit_item_struct(self, i);
        self.cx.item.pop();
    }

    fn visit_item_enum(&mut self, i: &'ast syn::ItemEnum) {
        if self.skipped(&i.attrs) {
            return;
        }
        self.cx.item.push(i.ident.to_string());
        self.derive_item(&i.attrs, &i.ident, || syn::DeriveInput::from(i.clone()));
        syn::visit::visit_item_enum(self, i);
        self.cx.item.pop();
    }

    fn visit_item_union(&mut self, i: &'ast syn::ItemUnion) {
        self.cx.item.push(i.ident.to_string());
        self.derive_item(&i.attrs, &i.ident, || syn::DeriveInput::from(i.clone()));
        self.cx.item.pop();
    }

    fn visit_item_fn(&mut self, i: &'ast syn::ItemFn) {
        if self.skipped(&i.attrs) {
            return;
        }
        self.function(&i.attrs, &i.sig, |w| w.visit_block(&i.block));
    }

    fn visit_impl_item_fn(&mut self, i: &'ast syn::ImplItemFn) {
        if self.skipped(&i.attrs) {
            return;
        }
        self.function(&i.attrs, &i.sig, |w| w.visit_block(&i.block));
    }

    fn visit_trait_item_fn(&mut self, i: &'ast syn::TraitItemFn) {
        self.function(&i.attrs, &i.sig, |w| {
            if let Some(b) = &i.default {
                w.visit_block(b);
            }
        });
    }

    fn visit_item_const(&mut self, i: &'ast syn::ItemConst) {
        self.cx.item.push(i.ident.to_string());
        syn::visit::visit_item_const(self, i);
        self.cx.item.pop();
    }

    fn visit_item_static(&mut self, i: &'ast syn::ItemStatic) {
        self.cx.item.push(i.ident.to_string());
        syn::visit::visit_item_static(self, i);
        self.cx.item.pop();
    }

    fn visit_block(&mut self, b: &'ast syn::Block) {
        self.cx.scopes.push(HashMap::new());
        syn::visit::visit_block(self, b);
        self.cx.scopes.pop();
    }

    fn visit_local(&mut self, l: &'ast syn::Local) {
        let (pat, ty) = match &l.pat {
            syn::Pat::Type(pt) => (pt.pat.as_ref(), Some((*pt.ty).clone())),
            p => (p, None),
        };
        if let Some(init) = &l.init {
            let saved = std::mem::replace(&mut self.cx.let_type, ty);
            self.visit_expr(&init.expr);
            self.cx.let_type = saved;
            if let Some((_, e)) = &init.diverge {
                self.visit_expr(e);
            }
        }
        if let syn::Pat::Ident(pi) = pat {
            let name = pi.ident.to_string();
            let b = match &l.init {
                Some(init) if pi.mutability.is_some() => match self.cx.sql_arg(&init.expr) {
                    SqlArg::Literal(_) | SqlArg::Dynamic(_) => SqlArg::Dynamic(format!("the SQL is built at run time in the mutable `{name}`")),
                    other => other,
                },
                Some(init) => self.cx.sql_arg(&init.expr),
                None => SqlArg::Dynamic(format!("the SQL is assigned to `{name}` at run time")),
            };
            self.cx.bind(name, Binding::Sql(b));
        }
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        for s in self.active() {
            if s.mac(&mut self.cx, m) {
                return;
            }
        }
        // Look inside other macros' arguments (vec![…], format!(…), assert!(…)).
        let parser = Punctuated::<Expr, Token![,]>::parse_terminated;
        if let Ok(exprs) = syn::parse::Parser::parse2(parser, m.tokens.clone()) {
            for e in exprs {
                self.visit_expr(&e);
            }
        } else if let Ok(block) = syn::parse::Parser::parse2(syn::Block::parse_within, m.tokens.clone()) {
            for s in block {
                self.visit_stmt(&s);
            }
        }
    }

    fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
        if let Expr::Path(p) = c.func.as_ref() {
            for s in self.active() {
                if s.call(&mut self.cx, c, &p.path) {
                    break;
                }
            }
        }
        syn::visit::visit_expr_call(self, c);
    }

    fn visit_expr_method_call(&mut self, c: &'ast syn::ExprMethodCall) {
        for s in self.active() {
            if s.method(&mut self.cx, c) {
                break;
            }
        }
        syn::visit::visit_expr_method_call(self, c);
    }
}

/// The span to report a call at: its path (or method name).
pub fn call_span(c: &syn::ExprCall) -> Span {
    c.func.span()
}

/// Does the text look like SQL (and not a shell command or a search string)?
pub fn looks_like_sql(s: &str) -> bool {
    let t = s.trim_start().trim_start_matches('(').trim_start();
    let word: String = t.chars().take_while(|c| c.is_ascii_alphabetic()).collect::<String>().to_ascii_uppercase();
    const WORDS: &[&str] = &[
        "SELECT",
        "INSERT",
        "UPDATE",
        "DELETE",
        "WITH",
        "CREATE",
        "ALTER",
        "DROP",
        "REPLACE",
        "UPSERT",
        "MERGE",
        "TRUNCATE",
        "BEGIN",
        "COMMIT",
        "ROLLBACK",
        "SET",
        "PRAGMA",
        "VALUES",
        "SHOW",
        "EXPLAIN",
        "CALL",
        "LOCK",
        "GRANT",
        "COPY",
        "VACUUM",
        "ANALYZE",
        "START",
        "SAVEPOINT",
        "RELEASE",
        "LISTEN",
        "NOTIFY",
        "DO",
        "DECLARE",
        "FETCH",
        "CLOSE",
    ];
    WORDS.contains(&word.as_str())
}

/// A call's SQL argument classified, for readers whose first argument is always SQL.
pub fn first_arg<'e>(args: impl IntoIterator<Item = &'e Expr>) -> Option<&'e Expr> {
    args.into_iter().next()
}

/// The inner type name of `Vec<T>`, `Option<T>`, `T` (for `let users: Vec<User> = …`).
pub fn row_type_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => {
            let seg = p.path.segments.last()?;
            let name = seg.ident.to_string();
            if matches!(name.as_str(), "Vec" | "Option" | "Result" | "Box") {
                if let syn::PathArguments::AngleBracketed(a) = &seg.arguments {
                    if let Some(syn::GenericArgument::Type(t)) = a.args.first() {
                        return row_type_name(t);
                    }
                }
                None
            } else {
                Some(name)
            }
        }
        syn::Type::Reference(r) => row_type_name(&r.elem),
        _ => None,
    }
}

#[cfg(test)]
mod tests;

/// The driver readers' common shape: a method call named in `methods` whose
/// first argument is SQL. A literal that reads as SQL is a query; SQL built
/// at run time is an unseen site; a value nothing tells about (a prepared
/// statement, a pool) is not SQL and is left alone.
pub(crate) fn driver_method(cx: &mut Cx, c: &syn::ExprMethodCall, source: SourceId, methods: &[&str]) -> bool {
    let m = c.method.to_string();
    if !methods.contains(&m.as_str()) {
        return false;
    }
    let Some(sql) = c.args.first() else { return false };
    let call = format!(".{m}({})", short(sql));
    match cx.sql_arg(sql) {
        SqlArg::Literal(s) if looks_like_sql(&s) => cx.query(c.method.span(), source, &call, SqlArg::Literal(s), None),
        SqlArg::Literal(_) | SqlArg::Unknown(_) => return false,
        SqlArg::Dynamic(reason) => cx.unseen(c.method.span(), source, &call, reason),
    }
    true
}
