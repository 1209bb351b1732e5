//! Reading attributes (`#[sqlx(rename = "…")]`, `#[diesel(table_name = t)]`)
//! and the small syntactic judgements the sources share.

use super::cx::last_ident;
use syn::punctuated::Punctuated;
use syn::{Attribute, Expr, Meta, Token};

/// Rewrite attributes as a build with the service's features on sees them:
/// `#[cfg_attr(feature = "full", derive(Queryable), diesel(table_name = t))]`
/// becomes `#[derive(Queryable)] #[diesel(table_name = t)]` (lemmy gates
/// every diesel derive behind a feature; the release builds with it). Only
/// `cfg_attr(test, …)` is dropped, as `#[cfg(test)]` items are. Done once
/// per item where it enters the engine ([`expand_item`]), so every reader
/// of attributes below sees plain ones.
pub(crate) fn expand_cfg_attr(attrs: &mut Vec<Attribute>) {
    if !has_cfg_attr(attrs) {
        return;
    }
    let mut out = Vec::with_capacity(attrs.len());
    for a in attrs.iter() {
        push_effective(a, &mut out);
    }
    *attrs = out;
}

/// Is any attribute a `cfg_attr`?
pub(super) fn has_cfg_attr(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("cfg_attr"))
}

/// [`expand_cfg_attr`] on a struct and its fields.
pub(crate) fn expand_struct(attrs: &mut Vec<Attribute>, fields: &mut syn::Fields) {
    expand_cfg_attr(attrs);
    fields.iter_mut().for_each(|f| expand_cfg_attr(&mut f.attrs));
}

/// [`expand_cfg_attr`] on an enum, its variants and their fields.
pub(crate) fn expand_enum(attrs: &mut Vec<Attribute>, variants: &mut Punctuated<syn::Variant, Token![,]>) {
    expand_cfg_attr(attrs);
    variants.iter_mut().for_each(|v| expand_struct(&mut v.attrs, &mut v.fields));
}

/// [`expand_cfg_attr`] on an item and on its fields and variants.
pub(super) fn expand_item(attrs: &mut Vec<Attribute>, data: &mut syn::Data) {
    match data {
        syn::Data::Struct(s) => expand_struct(attrs, &mut s.fields),
        syn::Data::Enum(e) => expand_enum(attrs, &mut e.variants),
        syn::Data::Union(u) => {
            expand_cfg_attr(attrs);
            u.fields.named.iter_mut().for_each(|f| expand_cfg_attr(&mut f.attrs));
        }
    }
}

fn push_effective(a: &Attribute, out: &mut Vec<Attribute>) {
    if !a.path().is_ident("cfg_attr") {
        out.push(a.clone());
        return;
    }
    let Ok(list) = a.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated) else { return };
    let mut list = list.into_iter();
    if list.next().is_some_and(|predicate| predicate.path().is_ident("test")) {
        return;
    }
    for meta in list {
        push_effective(&Attribute { pound_token: a.pound_token, style: a.style, bracket_token: a.bracket_token, meta }, out);
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
                // The value up to the next `,`: an expression, a path, or a
                // type (`select_expression_type = Nullable<t::c>`), which is
                // no expression.
                let value = meta.value()?;
                let mut tokens = proc_macro2::TokenStream::new();
                while !value.is_empty() && !value.peek(Token![,]) {
                    tokens.extend([value.parse::<proc_macro2::TokenTree>()?]);
                }
                let v = match syn::parse2::<syn::LitStr>(tokens.clone()) {
                    Ok(s) => s.value(),
                    Err(_) => tokens.to_string().replace(' ', ""),
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
pub(super) fn is_cfg_test(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("cfg") && a.parse_args::<syn::Ident>().is_ok_and(|i| i == "test"))
}

pub(super) fn derives_of(attrs: &[Attribute]) -> Vec<(String, String)> {
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
pub(super) fn is_string_type(ty: &syn::Type) -> bool {
    let t = quote::ToTokens::to_token_stream(ty).to_string().replace(' ', "");
    matches!(t.as_str(), "&str" | "String" | "&String" | "&'staticstr" | "implAsRef<str>" | "implInto<String>" | "Cow<str>" | "Cow<'_,str>" | "&mutString")
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

/// The line where `([{` nesting first goes deeper than `max` in Rust source
/// text (strings, raw strings, chars, lifetimes and comments skipped), if it does.
pub(crate) fn nesting_beyond(text: &str, max: usize) -> Option<usize> {
    let b = text.as_bytes();
    let (mut i, mut depth, mut line) = (0usize, 0usize, 1usize);
    while i < b.len() {
        match b[i] {
            b'\n' => line += 1,
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > max {
                    return Some(line);
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let mut level = 0usize;
                while i < b.len() {
                    if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                        level += 1;
                        i += 2;
                    } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                        level -= 1;
                        i += 2;
                        if level == 0 {
                            break;
                        }
                    } else {
                        if b[i] == b'\n' {
                            line += 1;
                        }
                        i += 1;
                    }
                }
                continue;
            }
            b'r' if matches!(b.get(i + 1), Some(b'"') | Some(b'#')) && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_')) => {
                // r"…", r#"…"#: ends at the quote followed by as many #.
                let mut j = i + 1;
                let mut hashes = 0;
                while b.get(j) == Some(&b'#') {
                    hashes += 1;
                    j += 1;
                }
                if b.get(j) == Some(&b'"') {
                    j += 1;
                    while j < b.len() {
                        if b[j] == b'\n' {
                            line += 1;
                        }
                        if b[j] == b'"' && b[j + 1..].iter().take(hashes).filter(|c| **c == b'#').count() == hashes && b.len() >= j + 1 + hashes {
                            j += 1 + hashes;
                            break;
                        }
                        j += 1;
                    }
                    i = j;
                    continue;
                }
            }
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    if b[i] == b'\\' {
                        i += 1;
                    } else if b[i] == b'\n' {
                        line += 1;
                    }
                    i += 1;
                }
            }
            b'\'' => {
                // A char literal ('x', '\n', '\u{..}') or a lifetime ('a): skip a literal only.
                if b.get(i + 1) == Some(&b'\\') {
                    i += 2;
                    while i < b.len() && b[i] != b'\'' {
                        i += 1;
                    }
                } else if b.get(i + 2) == Some(&b'\'') {
                    i += 2;
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}
