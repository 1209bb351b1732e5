//! The names a file's `use` items bring in, so a call is recognised by the
//! path it resolves to (`q` → `sqlx::query`) and a crate's own `fn query` is
//! not taken for a library's.

use std::collections::{HashMap, HashSet};
use syn::visit::Visit;

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
    pub(super) fn of(f: &syn::File) -> Imports {
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
