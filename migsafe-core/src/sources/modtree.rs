//! Which files of a package rustc builds: the module tree of its targets.
//!
//! A `.rs` file no `mod` reaches from `src/lib.rs`, `src/main.rs`,
//! `src/bin/*` or `build.rs` is not compiled (lemmy kept a stale
//! `source/image_upload.rs` for months after its table was renamed), so its
//! queries are not the service's. The tree is read from tokens
//! (proc-macro2's lexer: `mod x;`, `#[path = "…"] mod x;`, inline
//! `mod a { mod b; }`, `include!("…")`), not by parsing every file.
//!
//! Conservative both ways: when no root is among the files (a `[lib] path`
//! elsewhere), every file counts; an unreached file that holds database
//! code is reported as unseen by the engine, never dropped silently.

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use std::collections::{BTreeSet, HashMap};

/// The module tree of one package, read as far as a question needs.
///
/// [`ModTree::builds`] first asks the file's parent module (the file that
/// would declare it: `a.rs` or `a/mod.rs` for `a/b.rs`, `lib.rs` / `main.rs`
/// beside it), which reads only the few files on the way up to a root.
/// Only when that fails (a stale file, or a `#[path]` / `include!` from
/// elsewhere) is the whole tree walked, once.
pub(super) struct ModTree<'a> {
    files: HashMap<&'a str, &'a str>,
    prefix: String,
    any_root: bool,
    /// The files each file names, read once.
    named: HashMap<&'a str, Vec<&'a str>>,
    /// Answers so far, by way of the parent module.
    by_parent: HashMap<&'a str, bool>,
    /// Every file reached from the roots, when it had to be walked.
    all: Option<BTreeSet<&'a str>>,
}

impl<'a> ModTree<'a> {
    pub(super) fn new(dir: &str, files: &'a [(String, String)]) -> Self {
        let prefix = if dir.is_empty() { String::new() } else { format!("{}/", dir.trim_end_matches('/')) };
        let mut t = ModTree { files: HashMap::new(), prefix, any_root: false, named: HashMap::new(), by_parent: HashMap::new(), all: None };
        for (p, text) in files {
            t.any_root |= t.is_root(p);
            t.files.insert(p.as_str(), text.as_str());
        }
        t
    }

    fn is_root(&self, path: &str) -> bool {
        path.strip_prefix(self.prefix.as_str()).is_some_and(is_root)
    }

    /// Does rustc build this file? Always yes when no root is among the
    /// files (then nothing can be said: every file counts).
    pub(super) fn builds(&mut self, path: &str) -> bool {
        if !self.any_root {
            return true;
        }
        let Some((&path, _)) = self.files.get_key_value(path) else { return false };
        self.via_parent(path) || self.reachable().contains(path)
    }

    /// Built because the module above it is, and declares it.
    fn via_parent(&mut self, path: &'a str) -> bool {
        if self.is_root(path) {
            return true;
        }
        if let Some(&b) = self.by_parent.get(path) {
            return b;
        }
        // `x/m/mod.rs` and `x/m.rs` are both module `m` of `x`.
        let module = path.strip_suffix("/mod.rs").unwrap_or(path.trim_end_matches(".rs"));
        let owner = module.rsplit_once('/').map_or("", |(d, _)| d);
        let parents: Vec<&'a str> = [format!("{owner}.rs"), format!("{owner}/mod.rs"), format!("{owner}/lib.rs"), format!("{owner}/main.rs")]
            .iter()
            .filter_map(|c| self.files.get_key_value(c.as_str()).map(|(k, _)| *k))
            .collect();
        let built = parents.into_iter().any(|p| self.named_by(p).contains(&path) && self.via_parent(p));
        self.by_parent.insert(path, built);
        built
    }

    /// The files reached from the package's target roots.
    fn reachable(&mut self) -> &BTreeSet<&'a str> {
        if self.all.is_none() {
            let mut seen: BTreeSet<&'a str> = BTreeSet::new();
            let mut todo: Vec<&'a str> = self.files.keys().copied().filter(|p| self.is_root(p)).collect();
            while let Some(path) = todo.pop() {
                if seen.insert(path) {
                    todo.extend(self.named_by(path));
                }
            }
            self.all = Some(seen);
        }
        self.all.get_or_insert_with(BTreeSet::new)
    }

    /// The files of the package that `path`'s `mod`s and `include!`s name.
    fn named_by(&mut self, path: &'a str) -> Vec<&'a str> {
        if let Some(n) = self.named.get(path) {
            return n.clone();
        }
        let mut out = Vec::new();
        if let Some(tokens) = self.files.get(path).and_then(|t| t.parse::<TokenStream>().ok()) {
            let file_dir = path.rsplit_once('/').map_or("", |(d, _)| d);
            let name = path.rsplit('/').next().unwrap_or(path);
            let mod_rs = self.is_root(path) || matches!(name, "mod.rs" | "lib.rs" | "main.rs");
            // Where `mod x;` looks: beside a mod-rs file, in `foo/` for `foo.rs`.
            let base = if mod_rs { file_dir.to_string() } else { path.trim_end_matches(".rs").to_string() };
            for child in children(tokens, file_dir, &base) {
                let mod_rs_form = child.strip_suffix(".rs").map(|c| format!("{c}/mod.rs"));
                if let Some((p, _)) = self.files.get_key_value(child.as_str()).or_else(|| mod_rs_form.and_then(|m| self.files.get_key_value(m.as_str()))) {
                    out.push(*p);
                }
            }
        }
        self.named.insert(path, out.clone());
        out
    }
}

/// `src/lib.rs`, `src/main.rs`, `src/bin/x.rs`, `src/bin/x/main.rs`, `build.rs`.
fn is_root(rel: &str) -> bool {
    let parts: Vec<&str> = rel.split('/').collect();
    matches!(parts.as_slice(), ["src", "lib.rs"] | ["src", "main.rs"] | ["build.rs"] | ["src", "bin", _] | ["src", "bin", _, "main.rs"]) && rel.ends_with(".rs")
}

/// The files a file's `mod` declarations and `include!`s name.
fn children(tokens: TokenStream, file_dir: &str, base: &str) -> Vec<String> {
    let mut out = Vec::new();
    walk(tokens, file_dir, base, &mut out, 0);
    out
}

fn walk(tokens: TokenStream, file_dir: &str, base: &str, out: &mut Vec<String>, depth: usize) {
    if depth > 32 {
        return;
    }
    let tts: Vec<TokenTree> = tokens.into_iter().collect();
    let mut path_attr: Option<String> = None;
    let mut i = 0;
    while i < tts.len() {
        match &tts[i] {
            TokenTree::Punct(p) if p.as_char() == '#' => {
                if let Some(TokenTree::Group(g)) = tts.get(i + 1) {
                    if g.delimiter() == Delimiter::Bracket {
                        if let Some(p) = path_value(g.stream()) {
                            path_attr = Some(p);
                        }
                        i += 2;
                        continue;
                    }
                }
            }
            TokenTree::Ident(id) if id == "mod" => {
                if let Some(TokenTree::Ident(name)) = tts.get(i + 1) {
                    let name = name.to_string();
                    let name = name.strip_prefix("r#").unwrap_or(&name).to_string();
                    match tts.get(i + 2) {
                        Some(TokenTree::Punct(p)) if p.as_char() == ';' => {
                            out.push(match path_attr.take() {
                                Some(p) => join(file_dir, &p),
                                None => join(base, &format!("{name}.rs")),
                            });
                        }
                        Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Brace => {
                            // Inline: its `mod`s live one folder down (or where `path` says).
                            let inner = match path_attr.take() {
                                Some(p) => join(file_dir, &p),
                                None => join(base, &name),
                            };
                            walk(g.stream(), &inner, &inner, out, depth + 1);
                        }
                        _ => {}
                    }
                    path_attr = None;
                    i += 3;
                    continue;
                }
            }
            TokenTree::Ident(id) if id == "include" => out.extend(included(&tts, i, file_dir)),
            TokenTree::Punct(p) if p.as_char() == ';' => path_attr = None,
            // Items' bodies: `include!` may sit in one; `mod` declarations do not (rustc wants them at item level, or in inline modules).
            TokenTree::Group(g) if g.delimiter() == Delimiter::Brace => {
                path_attr = None;
                walk_includes(g.stream(), file_dir, out, depth + 1);
            }
            _ => {}
        }
        i += 1;
    }
}

fn walk_includes(tokens: TokenStream, file_dir: &str, out: &mut Vec<String>, depth: usize) {
    if depth > 32 {
        return;
    }
    let tts: Vec<TokenTree> = tokens.into_iter().collect();
    for (i, t) in tts.iter().enumerate() {
        match t {
            TokenTree::Ident(id) if id == "include" => out.extend(included(&tts, i, file_dir)),
            TokenTree::Group(g) => walk_includes(g.stream(), file_dir, out, depth + 1),
            _ => {}
        }
    }
}

/// The file `include!("…")` at `tts[i]` names, relative to the file's folder.
fn included(tts: &[TokenTree], i: usize, file_dir: &str) -> Option<String> {
    match (tts.get(i + 1), tts.get(i + 2)) {
        (Some(TokenTree::Punct(bang)), Some(TokenTree::Group(g))) if bang.as_char() == '!' => {
            g.stream().into_iter().next().and_then(|t| literal_str(&t)).map(|p| join(file_dir, &p))
        }
        _ => None,
    }
}

/// `path = "x.rs"` inside `#[…]`.
fn path_value(attr: TokenStream) -> Option<String> {
    let tts: Vec<TokenTree> = attr.into_iter().collect();
    match tts.as_slice() {
        [TokenTree::Ident(k), TokenTree::Punct(eq), lit] if k == "path" && eq.as_char() == '=' => literal_str(lit),
        _ => None,
    }
}

fn literal_str(t: &TokenTree) -> Option<String> {
    let TokenTree::Literal(l) = t else { return None };
    syn::parse_str::<syn::LitStr>(&l.to_string()).ok().map(|s| s.value())
}

/// `dir/rel`, with `.` and `..` resolved.
fn join(dir: &str, rel: &str) -> String {
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for c in rel.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            c => parts.push(c),
        }
    }
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(p, t)| (p.to_string(), t.to_string())).collect()
    }

    #[test]
    fn follows_mod_declarations_from_the_roots() {
        let f = files(&[
            ("svc/src/lib.rs", "pub mod source; mod inline { pub mod deep; } #[path = \"other/x.rs\"] mod renamed;"),
            ("svc/src/source/mod.rs", "pub mod post;\n// mod ghost;\n"),
            ("svc/src/source/post.rs", "mod nested;"),
            ("svc/src/source/post/nested.rs", ""),
            ("svc/src/source/image_upload.rs", "fn stale() {}"),
            ("svc/src/inline/deep.rs", ""),
            ("svc/src/other/x.rs", "fn f() { include!(\"gen.rs\"); }"),
            ("svc/src/other/gen.rs", ""),
            ("svc/src/bin/tool.rs", "mod helper;"),
            ("svc/src/bin/helper.rs", ""),
        ]);
        let mut tree = ModTree::new("svc", &f);
        let got: Vec<&str> = f.iter().map(|(p, _)| p.as_str()).filter(|p| tree.builds(p)).collect::<BTreeSet<_>>().into_iter().collect();
        assert_eq!(
            got,
            [
                "svc/src/bin/helper.rs",
                "svc/src/bin/tool.rs",
                "svc/src/inline/deep.rs",
                "svc/src/lib.rs",
                "svc/src/other/gen.rs",
                "svc/src/other/x.rs",
                "svc/src/source/mod.rs",
                "svc/src/source/post.rs",
                "svc/src/source/post/nested.rs"
            ]
        );
    }

    #[test]
    fn without_a_root_nothing_is_said() {
        let f = files(&[("lib/code.rs", "mod a;"), ("lib/a.rs", ""), ("lib/stale.rs", "")]);
        let mut tree = ModTree::new("", &f);
        assert!(f.iter().all(|(p, _)| tree.builds(p)));
    }
}
