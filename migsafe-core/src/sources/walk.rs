//! The one walk over a file's syntax tree: tracks the enclosing items,
//! functions (with their `#[touches]` and string parameters) and `let`
//! bindings, and offers every item, macro, call and method call to each
//! source.

use super::attrs::{expand_item, has_cfg_attr};
use super::{derives_of, is_cfg_test, is_string_type, Binding, Cx, Item, Source, SourceId, SqlArg};
use std::collections::HashMap;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit::Visit;
use syn::{Attribute, Expr, Token};

pub(super) struct Walker<'a, 's> {
    pub(super) cx: Cx<'a>,
    pub(super) sources: &'s [&'s dyn Source],
    /// Tests, benches, examples: only annotations count.
    pub(super) test_only: bool,
    /// How many macro invocations deep the walk is (their arguments are parsed again at each level).
    pub(super) macro_depth: usize,
}

/// Macro arguments are read this many invocations deep; deeper is an unseen site.
const MAX_MACRO_DEPTH: usize = 32;

impl<'s> Walker<'_, 's> {
    fn active(&self) -> Vec<&'s dyn Source> {
        self.sources.iter().copied().filter(|s| !self.test_only || s.meta().id == SourceId::Annotation).collect()
    }

    fn skipped(&self, attrs: &[Attribute]) -> bool {
        is_cfg_test(attrs) && !self.test_only
    }

    fn derive_item(&mut self, attrs: &[Attribute], ident: &syn::Ident, input: impl FnOnce() -> syn::DeriveInput) {
        // Only an item with a derive (perhaps behind `cfg_attr`) is any source's.
        if !attrs.iter().any(|a| a.path().is_ident("derive")) && !has_cfg_attr(attrs) {
            return;
        }
        // The sources read the item as the featured build sees it.
        let mut input = input();
        expand_item(&mut input.attrs, &mut input.data);
        // Through the file's imports: `use migsafe_runtime::Table as T; #[derive(T)]` derives `Table`.
        let derives: Vec<(String, String)> = derives_of(&input.attrs)
            .into_iter()
            .map(|(full, last)| {
                let resolved = self.cx.imports.resolve_str(&full);
                match resolved.rsplit("::").next() {
                    Some(l) if resolved != full => (resolved.clone(), l.to_string()),
                    _ => (full, last),
                }
            })
            .collect();
        if derives.is_empty() {
            return;
        }
        let item = Item { input, ident, derives };
        for s in self.active() {
            s.item(&mut self.cx, &item);
        }
    }

    fn function(&mut self, attrs: &[Attribute], sig: &syn::Signature, body: impl FnOnce(&mut Self)) {
        self.cx.item.push(sig.ident.to_string());
        for s in self.active() {
            s.function(&mut self.cx, attrs, &sig.ident);
        }
        let declared = attrs.iter().any(|a| super::cx::names(&self.cx.imports, a.path(), "touches"));
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
            // Only a value that can be SQL text is classified (the rest, a pool,
            // rows, a prepared statement, shadows without costing a message).
            let b = match &l.init {
                Some(init) if !maybe_text(&init.expr) => SqlArg::Unknown(String::new()),
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
        if self.macro_depth >= MAX_MACRO_DEPTH {
            if !self.test_only {
                let reason = format!("macro calls nest deeper than {MAX_MACRO_DEPTH} levels here, and migsafe does not read so deep");
                self.cx.unseen(m.path.span(), SourceId::Annotation, "nested macros", reason);
            }
            return;
        }
        self.macro_depth += 1;
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
        self.macro_depth -= 1;
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

/// Could this expression be SQL text (a literal, a macro, a concatenation, a
/// conversion of one, a choice between some)? A call or a path is left to the
/// use site, which says what it is if it matters.
fn maybe_text(e: &Expr) -> bool {
    match e {
        Expr::Lit(_) | Expr::Macro(_) | Expr::Binary(_) | Expr::If(_) | Expr::Match(_) | Expr::Block(_) | Expr::Path(_) => true,
        Expr::Reference(r) => maybe_text(&r.expr),
        Expr::Paren(p) => maybe_text(&p.expr),
        Expr::Group(g) => maybe_text(&g.expr),
        Expr::MethodCall(m) => matches!(m.method.to_string().as_str(), "to_string" | "to_owned" | "into" | "as_str" | "clone" | "replace" | "trim"),
        Expr::Call(c) => matches!(c.func.as_ref(), Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "from" || s.ident == "new")),
        _ => false,
    }
}
