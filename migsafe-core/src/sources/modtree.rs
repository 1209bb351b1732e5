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

/// The files reached from the package's target roots, or `None` when no
/// root is among `files` (then nothing can be said: every file counts).
pub(super) fn reachable<'a>(dir: &str, files: &'a [(String, String)]) -> Option<BTreeSet<&'a str>> {
    let by_path: HashMap<&str, &str> = files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    let prefix = if dir.is_empty() { String::new() } else { format!("{}/", dir.trim_end_matches('/')) };
    let roots: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).filter(|p| is_root(p.strip_prefix(prefix.as_str()).unwrap_or(""))).collect();
    if roots.is_empty() {
        return None;
    }
    let mut seen: BTreeSet<&'a str> = BTreeSet::new();
    let mut todo: Vec<(&'a str, bool)> = roots.into_iter().map(|r| (r, true)).collect();
    while let Some((path, root)) = todo.pop() {
        if !seen.insert(path) {
            continue;
        }
        let Some(text) = by_path.get(path) else { continue };
        let Ok(tokens) = text.parse::<TokenStream>() else { continue };
        let file_dir = path.rsplit_once('/').map_or("", |(d, _)| d);
        let name = path.rsplit('/').next().unwrap_or(path);
        let mod_rs = root || matches!(name, "mod.rs" | "lib.rs" | "main.rs");
        // Where `mod x;` looks: beside a mod-rs file, in `foo/` for `foo.rs`.
        let base = if mod_rs { file_dir.to_string() } else { path.trim_end_matches(".rs").to_string() };
        for child in children(tokens, file_dir, &base) {
            if let Some((p, _)) = by_path.get_key_value(child.as_str()) {
                todo.push((p, false));
            } else if let Some((p, _)) = child.strip_suffix(".rs").and_then(|c| by_path.get_key_value(format!("{c}/mod.rs").as_str())) {
                todo.push((p, false));
            }
        }
    }
    Some(seen)
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
        let r = reachable("svc", &f).unwrap();
        let got: Vec<&str> = r.into_iter().collect();
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
        assert!(reachable("", &files(&[("lib/code.rs", "mod a;"), ("lib/a.rs", "")])).is_none());
    }
}
