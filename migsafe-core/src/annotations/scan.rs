//! Finding every annotation in a Rust source file (what `cargo migsafe`
//! reads from each revision without building it).

use super::{parse_enum, parse_sql, parse_table, parse_touches, Decl, Site};
use crate::diag::{Diagnostic, Location};
use proc_macro2::TokenStream;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit::Visit;
use syn::{Attribute, DeriveInput, Expr, Token};

/// Every `sql!`, `#[derive(Table)]`, `#[derive(SqlEnum)]` and `#[touches]`
/// in `text`. A file that does not parse, or an annotation that does not,
/// is a diagnostic (the compiler would reject it too).
pub fn scan_file(file: &str, text: &str) -> (Vec<Site>, Vec<Diagnostic>) {
    let mut v = Scanner { file, sites: Vec::new(), diags: Vec::new(), item: Vec::new() };
    match syn::parse_file(text) {
        Ok(f) => v.visit_file(&f),
        Err(e) => {
            let lc = e.span().start();
            v.diags.push(Diagnostic::error(Location::new(file, lc.line as u32, lc.column as u32 + 1), format!("Rust source does not parse: {e}")));
        }
    }
    (v.sites, v.diags)
}

struct Scanner<'a> {
    file: &'a str,
    sites: Vec<Site>,
    diags: Vec<Diagnostic>,
    item: Vec<String>,
}

fn derives(attrs: &[Attribute]) -> Vec<String> {
    let mut out = Vec::new();
    for a in attrs.iter().filter(|a| a.path().is_ident("derive")) {
        if let Ok(paths) = a.parse_args_with(Punctuated::<syn::Path, Token![,]>::parse_terminated) {
            for p in paths {
                if let Some(s) = p.segments.last() {
                    out.push(s.ident.to_string());
                }
            }
        }
    }
    out
}

impl<'a> Scanner<'a> {
    fn loc(&self, span: proc_macro2::Span) -> Location {
        let lc = span.start();
        Location::new(self.file, lc.line as u32, lc.column as u32 + 1)
    }

    fn push(&mut self, span: proc_macro2::Span, decl: Decl) {
        let item = self.item.last().cloned().unwrap_or_default();
        self.sites.push(Site { file: self.file.to_string(), line: span.start().line as u32, item, decl });
    }

    fn errors(&mut self, errs: Vec<syn::Error>, what: &str) {
        for e in errs {
            let loc = self.loc(e.span());
            self.diags.push(Diagnostic::error(loc, format!("{what}: {e}")));
        }
    }

    fn derive_input(&mut self, attrs: &[Attribute], ident: &syn::Ident, di: impl FnOnce() -> syn::Result<DeriveInput>) {
        let ds = derives(attrs);
        let table = ds.iter().any(|d| d == "Table");
        let enm = ds.iter().any(|d| d == "SqlEnum");
        if !table && !enm {
            return;
        }
        let di = match di() {
            Ok(d) => d,
            Err(e) => return self.errors(vec![e], "annotation"),
        };
        if table {
            match parse_table(&di) {
                Ok(p) => self.push(ident.span(), Decl::Table(p.decl)),
                Err(e) => self.errors(e, "#[derive(Table)]"),
            }
        }
        if enm {
            match parse_enum(&di) {
                Ok(p) => self.push(ident.span(), Decl::SqlEnum(p.decl)),
                Err(e) => self.errors(e, "#[derive(SqlEnum)]"),
            }
        }
    }

    fn touches(&mut self, attrs: &[Attribute], span: proc_macro2::Span) {
        for a in attrs {
            if a.path().segments.last().is_some_and(|s| s.ident == "touches") {
                let args: TokenStream = match &a.meta {
                    syn::Meta::List(l) => l.tokens.clone(),
                    _ => TokenStream::new(),
                };
                match parse_touches(args) {
                    Ok(p) => self.push(span, Decl::Touches(p.decl)),
                    Err(e) => self.errors(e, "#[touches]"),
                }
            }
        }
    }
}

impl<'ast, 'a> Visit<'ast> for Scanner<'a> {
    fn visit_item_struct(&mut self, i: &'ast syn::ItemStruct) {
        self.item.push(i.ident.to_string());
        self.derive_input(&i.attrs, &i.ident, || Ok(DeriveInput::from(i.clone())));
        syn::visit::visit_item_struct(self, i);
        self.item.pop();
    }

    fn visit_item_enum(&mut self, i: &'ast syn::ItemEnum) {
        self.item.push(i.ident.to_string());
        self.derive_input(&i.attrs, &i.ident, || Ok(DeriveInput::from(i.clone())));
        syn::visit::visit_item_enum(self, i);
        self.item.pop();
    }

    fn visit_item_fn(&mut self, i: &'ast syn::ItemFn) {
        self.item.push(i.sig.ident.to_string());
        self.touches(&i.attrs, i.sig.ident.span());
        syn::visit::visit_item_fn(self, i);
        self.item.pop();
    }

    fn visit_impl_item_fn(&mut self, i: &'ast syn::ImplItemFn) {
        self.item.push(i.sig.ident.to_string());
        self.touches(&i.attrs, i.sig.ident.span());
        syn::visit::visit_impl_item_fn(self, i);
        self.item.pop();
    }

    fn visit_trait_item_fn(&mut self, i: &'ast syn::TraitItemFn) {
        self.item.push(i.sig.ident.to_string());
        self.touches(&i.attrs, i.sig.ident.span());
        syn::visit::visit_trait_item_fn(self, i);
        self.item.pop();
    }

    fn visit_item_const(&mut self, i: &'ast syn::ItemConst) {
        self.item.push(i.ident.to_string());
        syn::visit::visit_item_const(self, i);
        self.item.pop();
    }

    fn visit_item_static(&mut self, i: &'ast syn::ItemStatic) {
        self.item.push(i.ident.to_string());
        syn::visit::visit_item_static(self, i);
        self.item.pop();
    }

    fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
        // Derives and touches on items inside impls / modules are visited normally.
        syn::visit::visit_item_impl(self, i);
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        let last = m.path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default();
        if last == "sql" {
            match parse_sql(m.tokens.clone()) {
                Ok(p) => self.push(m.span(), Decl::Query(p.decl)),
                Err(e) => self.errors(e, "sql!"),
            }
            return;
        }
        // Look inside other macros' arguments (vec![…], format!(…), assert!(…)) for sql! calls.
        let parser = Punctuated::<Expr, Token![,]>::parse_terminated;
        if let Ok(exprs) = syn::parse::Parser::parse2(parser, m.tokens.clone()) {
            for e in exprs {
                self.visit_expr(&e);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_kind_of_annotation_with_lines() {
        let src = r#"
use migsafe_runtime::{sql, Table, SqlEnum, touches};

#[derive(Debug, Table)]
#[migsafe(table = "orders")]
pub struct Order { pub id: i64 }

#[derive(migsafe_runtime::SqlEnum)]
#[migsafe(type = "order_status")]
enum S { A }

pub const Q: &str = sql!("SELECT id FROM orders");

#[touches(read(orders.id))]
fn settle() { let v = vec![sql!("DELETE FROM orders")]; }
"#;
        let (sites, diags) = scan_file("src/lib.rs", src);
        assert!(diags.is_empty(), "{diags:?}");
        let kinds: Vec<(u32, &str, &str)> = sites
            .iter()
            .map(|s| {
                (
                    s.line,
                    s.item.as_str(),
                    match &s.decl {
                        Decl::Query(_) => "query",
                        Decl::Table(_) => "table",
                        Decl::SqlEnum(_) => "enum",
                        Decl::Touches(_) => "touches",
                    },
                )
            })
            .collect();
        assert_eq!(kinds, [(6, "Order", "table"), (10, "S", "enum"), (12, "Q", "query"), (15, "settle", "touches"), (15, "settle", "query")]);
    }

    #[test]
    fn bad_annotations_and_bad_files_are_diagnostics() {
        let (_, d) = scan_file("src/a.rs", "#[derive(Table)] struct X { a: i32 }");
        assert_eq!(d.len(), 1);
        assert!(d[0].to_string().starts_with("src/a.rs:1:"), "{}", d[0]);
        let (_, d) = scan_file("src/b.rs", "fn (");
        assert!(d[0].message.contains("does not parse"));
    }
}
