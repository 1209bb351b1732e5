//! migsafe's own annotations: `sql!("…")`, `#[derive(Table)]`,
//! `#[derive(SqlEnum)]` and `#[touches(..)]`, parsed by the same
//! [`crate::annotations`] parsers the proc macros call, so the footprint the
//! CLI reads from a git revision is the one the compiler checked.

use super::{Cx, Item, Source, SourceId, SourceMeta};
use crate::annotations::{parse_enum, parse_sql, parse_table, parse_touches, Decl};
use proc_macro2::TokenStream;
use syn::spanned::Spanned;
use syn::Attribute;

pub struct Annotations;

static META: SourceMeta = SourceMeta {
    id: SourceId::Annotation,
    crates: &[],
    doc: "`sql!(\"…\")` is a query; `#[derive(Table)]` decodes every mapped column of its table; `#[derive(SqlEnum)]` \
          decodes the values of an enum type or text column; `#[touches(read(..), write(..))]` declares what a function's \
          run-time SQL touches, and covers the unseen calls inside that function.",
};

fn report(cx: &mut Cx, errs: Vec<syn::Error>, what: &str) {
    for e in errs {
        cx.error(e.span(), format!("{what}: {e}"));
    }
}

impl Source for Annotations {
    fn meta(&self) -> &'static SourceMeta {
        &META
    }

    fn item(&self, cx: &mut Cx, item: &Item) {
        if item.derives("Table") {
            if matches!(item.input.data, syn::Data::Union(_)) {
                return cx.error(item.ident.span(), "#[derive(Table)]: #[derive(Table)] applies to structs with named fields, not unions");
            }
            match parse_table(&item.input) {
                Ok(p) => cx.push(item.ident.span(), SourceId::Annotation, Decl::Table(p.decl)),
                Err(e) => report(cx, e, "#[derive(Table)]"),
            }
        }
        if item.derives("SqlEnum") {
            match parse_enum(&item.input) {
                Ok(p) => cx.push(item.ident.span(), SourceId::Annotation, Decl::SqlEnum(p.decl)),
                Err(e) => report(cx, e, "#[derive(SqlEnum)]"),
            }
        }
    }

    fn function(&self, cx: &mut Cx, attrs: &[Attribute], name: &syn::Ident) {
        for a in attrs {
            if super::cx::names(&cx.imports, a.path(), "touches") {
                let args: TokenStream = match &a.meta {
                    syn::Meta::List(l) => l.tokens.clone(),
                    _ => TokenStream::new(),
                };
                match parse_touches(args) {
                    Ok(p) => cx.push(name.span(), SourceId::Annotation, Decl::Touches(p.decl)),
                    Err(e) => report(cx, e, "#[touches]"),
                }
            }
        }
    }

    fn mac(&self, cx: &mut Cx, m: &syn::Macro) -> bool {
        if !super::cx::names(&cx.imports, &m.path, "sql") {
            return false;
        }
        match parse_sql(m.tokens.clone()) {
            Ok(p) => cx.push(m.span(), SourceId::Annotation, Decl::Query(p.decl)),
            Err(e) => report(cx, e, "sql!"),
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use crate::annotations::Decl;
    use crate::sources::scan_file;

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
                        Decl::Unseen(_) => "unseen",
                    },
                )
            })
            .collect();
        assert_eq!(kinds, [(6, "Order", "table"), (10, "S", "enum"), (12, "Q", "query"), (15, "settle", "touches"), (15, "settle", "query")]);
    }

    /// Issue 11: `use migsafe_runtime::sql as q;` hid every `q!(…)` (a silent "safe").
    #[test]
    fn renamed_imports_of_the_annotations_are_read() {
        let src = r#"
use migsafe_runtime::{sql as q, Table as T, touches as t};
use migsafe_runtime::sql as s;

#[derive(T)]
#[migsafe(table = "orders")]
pub struct Order { pub id: i64, pub note: String }

pub const Q: &str = q!("SELECT id, note FROM orders");

#[t(read(orders.note))]
fn settle() { let _ = s!("DELETE FROM orders"); }
"#;
        let (sites, diags) = scan_file("src/lib.rs", src);
        assert!(diags.is_empty(), "{diags:?}");
        let kinds: Vec<(u32, &str)> = sites.iter().map(|s| (s.line, s.item.as_str())).collect();
        assert_eq!(kinds, [(7, "Order"), (9, "Q"), (12, "settle"), (12, "settle")], "{sites:?}");
        assert!(sites.iter().any(|s| matches!(&s.decl, Decl::Touches(_))));
    }

    #[test]
    fn bad_annotations_are_diagnostics_unreadable_files_unseen_sites() {
        let (_, d) = scan_file("src/a.rs", "#[derive(Table)] struct X { a: i32 }");
        assert_eq!(d.len(), 1);
        assert!(d[0].to_string().starts_with("src/a.rs:1:"), "{}", d[0]);
        // A file syn cannot read may still be one rustc takes: what it runs is unseen, not an error.
        let (s, d) = scan_file("src/b.rs", "fn query(\n");
        assert!(d.is_empty(), "{d:?}");
        assert!(matches!(&s[0].decl, Decl::Unseen(u) if u.reason.contains("cannot read this file")), "{s:?}");
        // In test code it is a warning: tests are outside the footprint.
        let (s, d) = scan_file("tests/b.rs", "fn query(\n");
        assert!(s.is_empty());
        assert_eq!(d[0].severity, crate::Severity::Warning);
    }
}
