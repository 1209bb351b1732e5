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
pub(crate) mod attrs;
mod cx;
mod diesel;
mod imports;
mod modtree;
mod mysql;
mod postgres;
mod rusqlite;
mod seaorm;
mod sqlx;
mod walk;

pub use attrs::{attr_args, attr_flag, attr_value, looks_like_sql, row_type_name};
pub use cx::{short, Cx, Item, SqlArg};
pub use imports::Imports;

use crate::annotations::Site;
use crate::diag::{Diagnostic, Location};
use attrs::{derives_of, is_cfg_test, is_string_type};
pub use cx::join_path;
use cx::{last_ident, literal_str, Binding};
use serde::Serialize;
use std::collections::HashMap;
use syn::visit::Visit;
use syn::Attribute;
use walk::Walker;

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
    /// How this library decodes a column into Rust: diesel reads the wire
    /// format of the SQL type it declares; the others check the column's type.
    pub fn decoding(self) -> crate::annotations::Decoding {
        match self {
            SourceId::Diesel => crate::annotations::Decoding::WireFormat,
            _ => crate::annotations::Decoding::TypeChecked,
        }
    }

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
pub trait Files: Sync {
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
#[derive(Debug, Default, Clone)]
pub struct Scan {
    pub sites: Vec<Site>,
    pub diagnostics: Vec<Diagnostic>,
    /// The files that held at least one site or diagnostic (for snippets).
    pub files: Vec<String>,
}

/// Words a file must contain for any source to find something in it.
const PREFILTER: &[&str] = &["sql", "Sql", "Table", "touches", "query", "execute", "prepare", "table!", "sea_orm", "exec", "diesel", "FromRow", "Insertable"];

/// How deeply brackets may nest in a file migsafe reads; deeper (rustc takes
/// it, generated code may have it) the file is reported unseen, not walked.
pub const MAX_NESTING: usize = 1000;

/// Scan every file of one crate with every source the crate uses.
///
/// Runs on a thread with a large stack: syn's parser and the walk recurse
/// once per nesting level, and code that rustc accepts may nest deeply.
pub fn scan_crate(files: &[(String, String)], info: &CrateInfo, fs: &dyn Files) -> Scan {
    on_deep_stack(|| scan_crate_here(files, info, fs))
}

/// Run `f` on a thread with a 256 MB stack, for what recurses once per
/// nesting level of Rust source (syn's parser, the walks over its trees);
/// without a thread to be had, or when `f` panicked there, run it here.
pub(crate) fn on_deep_stack<R: Send>(f: impl Fn() -> R + Sync) -> R {
    std::thread::scope(|s| match std::thread::Builder::new().stack_size(256 << 20).spawn_scoped(s, &f).map(|h| h.join()) {
        Ok(Ok(r)) => r,
        _ => f(),
    })
}

fn scan_crate_here(files: &[(String, String)], info: &CrateInfo, fs: &dyn Files) -> Scan {
    let sources: Vec<&dyn Source> = REGISTRY.iter().copied().filter(|s| info.uses(s.meta())).collect();
    let mut scan = Scan::default();
    let mut parsed = Vec::new();
    let mut tree = modtree::ModTree::new(&info.dir, files);
    for (path, text) in files {
        if !PREFILTER.iter().any(|w| text.contains(w)) {
            continue;
        }
        let unreadable = |line: usize, why: String| Site {
            file: path.clone(),
            line: line as u32,
            item: String::new(),
            source: SourceId::Annotation,
            decl: crate::annotations::Decl::Unseen(crate::annotations::UnseenDecl { call: "this file".into(), reason: why }),
        };
        if let Some(line) = attrs::nesting_beyond(text, MAX_NESTING) {
            if !is_test_path(path) {
                scan.sites.push(unreadable(line, format!("its brackets nest deeper than {MAX_NESTING} levels here, and migsafe does not read so deep")));
                scan.files.push(path.clone());
            }
            continue;
        }
        match syn::parse_file(text) {
            Ok(f) if !is_test_path(path) && !tree.builds(path) => {
                // Not built: its code is not the service's. Were a target to
                // build it after all (a `[lib] path`, a `mod` made by a
                // macro), its database calls would be unseen: say so.
                let n = count_sites(&f, path, info, fs, &sources);
                if n > 0 {
                    scan.sites.push(unreadable(
                        1,
                        format!("no `mod` reaches this file from the package's targets (src/lib.rs, src/main.rs, src/bin, build.rs), so rustc does not build it and its {n} database site(s) are not counted; if a target does build it, declare its footprint"),
                    ));
                    scan.files.push(path.clone());
                }
            }
            Ok(f) => parsed.push((path.as_str(), f)),
            Err(e) => {
                let lc = e.span().start();
                let loc = Location::new(path, lc.line as u32, lc.column as u32 + 1);
                if is_test_path(path) {
                    // Test code is outside the footprint: say so, and go on.
                    scan.diagnostics.push(Diagnostic::warning(loc, format!("Rust source does not parse, not read: {e}")));
                } else {
                    // rustc may take what syn does not: what this file runs is not checked, and the report says so.
                    scan.sites.push(unreadable(lc.line, format!("migsafe's Rust parser cannot read this file ({e})")));
                }
                scan.files.push(path.clone());
            }
        }
    }
    let mut index = CrateIndex::default();
    let mut imports: Vec<Imports> = parsed.iter().map(|(_, f)| Imports::of(f)).collect();
    for ((_, f), imports) in parsed.iter().zip(&imports) {
        index.add(f, imports);
    }
    for ((path, f), imports) in parsed.iter().zip(imports.iter_mut()) {
        let test_only = is_test_path(path);
        let mut w = Walker { cx: Cx::new(path, &index, info, fs), sources: &sources, test_only, macro_depth: 0 };
        w.cx.imports = std::mem::take(imports);
        w.visit_file(f);
        if !w.cx.sites.is_empty() || !w.cx.diags.is_empty() {
            scan.files.push(path.to_string());
        }
        scan.sites.append(&mut w.cx.sites);
        scan.diagnostics.append(&mut w.cx.diags);
    }
    diesel::follow_sql_names(&mut scan.sites);
    scan
}

/// How many sites a file not in the module tree would give (read alone: no crate index).
fn count_sites(f: &syn::File, path: &str, info: &CrateInfo, fs: &dyn Files, sources: &[&dyn Source]) -> usize {
    let index = CrateIndex::default();
    let mut w = Walker { cx: Cx::new(path, &index, info, fs), sources, test_only: false, macro_depth: 0 };
    w.cx.imports = Imports::of(f);
    w.visit_file(f);
    w.cx.sites.len()
}

/// One file on its own, every source on (what the annotation tests and the fuzzers use).
pub fn scan_file(file: &str, text: &str) -> (Vec<Site>, Vec<Diagnostic>) {
    let s = scan_crate(&[(file.to_string(), text.to_string())], &CrateInfo::default(), &NoFiles);
    (s.sites, s.diagnostics)
}

/// Tests, benches and examples do not run in production: only annotations count there.
pub(crate) fn is_test_path(path: &str) -> bool {
    path.split('/').any(|c| c == "tests" || c == "benches" || c == "examples") || path.ends_with("build.rs")
}

/// Crate-wide facts every file may need: string constants and struct definitions.
#[derive(Default)]
pub struct CrateIndex {
    /// String constants by name (`None`: a `sql!` constant, read as an annotation).
    consts: HashMap<String, Vec<Option<String>>>,
    structs: HashMap<String, syn::ItemStruct>,
    enums: HashMap<String, syn::ItemEnum>,
    /// Old `sqlx-data.json` files by path, each parsed once per crate.
    sqlx_data: std::sync::Mutex<HashMap<String, Option<std::sync::Arc<sqlx::offline::Legacy>>>>,
}

impl CrateIndex {
    fn add(&mut self, f: &syn::File, imports: &Imports) {
        struct V<'a>(&'a mut CrateIndex, &'a Imports);
        impl<'ast> Visit<'ast> for V<'_> {
            fn visit_item_const(&mut self, i: &'ast syn::ItemConst) {
                self.0.add_const(&i.ident, &i.expr, self.1);
            }
            fn visit_item_static(&mut self, i: &'ast syn::ItemStatic) {
                self.0.add_const(&i.ident, &i.expr, self.1);
            }
            // Kept as the featured build sees them (`cfg_attr` expanded), as the walk offers items.
            fn visit_item_struct(&mut self, i: &'ast syn::ItemStruct) {
                let mut s = i.clone();
                attrs::expand_struct(&mut s.attrs, &mut s.fields);
                self.0.structs.insert(i.ident.to_string(), s);
            }
            fn visit_item_enum(&mut self, i: &'ast syn::ItemEnum) {
                let mut e = i.clone();
                attrs::expand_enum(&mut e.attrs, &mut e.variants);
                self.0.enums.insert(i.ident.to_string(), e);
            }
            fn visit_item_fn(&mut self, _: &'ast syn::ItemFn) {}
        }
        V(self, imports).visit_file(f);
    }

    fn add_const(&mut self, name: &syn::Ident, e: &syn::Expr, imports: &Imports) {
        if let Some(s) = literal_str(e) {
            self.consts.entry(name.to_string()).or_default().push(Some(s));
        } else if cx::is_sql_macro(e, imports) {
            self.consts.entry(name.to_string()).or_default().push(None);
        }
    }

    /// The value of a crate-level `const` / `static` string, when exactly one
    /// has that name (`Some(None)`: it is a `sql!`, an annotation site itself).
    pub fn const_str(&self, name: &str) -> Option<Option<&str>> {
        match self.consts.get(name).map(|v| v.as_slice()) {
            Some([one]) => Some(one.as_deref()),
            _ => None,
        }
    }

    pub fn struct_named(&self, name: &str) -> Option<&syn::ItemStruct> {
        self.structs.get(name)
    }

    pub fn enum_named(&self, name: &str) -> Option<&syn::ItemEnum> {
        self.enums.get(name)
    }

    /// The old `sqlx-data.json` at `path`, read and parsed on first use.
    pub(crate) fn sqlx_data(&self, path: &str, load: impl FnOnce(&str) -> Option<sqlx::offline::Legacy>) -> Option<std::sync::Arc<sqlx::offline::Legacy>> {
        let mut cache = self.sqlx_data.lock().unwrap_or_else(|e| e.into_inner());
        cache.entry(path.to_string()).or_insert_with(|| load(path).map(std::sync::Arc::new)).clone()
    }
}

#[cfg(test)]
mod tests;

/// The driver readers' common shape: a method call named in `methods` whose
/// first argument is SQL. A literal that reads as SQL is a query; SQL built
/// at run time is an unseen site; a value nothing tells about (a prepared
/// statement, a pool) is not SQL and is left alone.
pub(crate) fn driver_method(cx: &mut Cx, c: &syn::ExprMethodCall, source: SourceId, methods: &[&str]) -> bool {
    if !methods.iter().any(|m| c.method == m) {
        return false;
    }
    let Some(sql) = c.args.first() else { return false };
    match cx.sql_arg(sql) {
        SqlArg::Literal(s) if looks_like_sql(&s) => cx.query(c.method.span(), source, &format!(".{}({})", c.method, short(sql)), SqlArg::Literal(s), None),
        SqlArg::Literal(_) | SqlArg::Unknown(_) => return false,
        SqlArg::Declared => {}
        SqlArg::Dynamic(reason) => cx.unseen(c.method.span(), source, &format!(".{}({})", c.method, short(sql)), reason),
    }
    true
}
