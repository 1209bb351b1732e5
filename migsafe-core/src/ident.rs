//! Identifier normalisation: how a dialect folds and qualifies names.

use crate::Dialect;
use sqlparser::ast::{Ident, ObjectName, ObjectNamePart};

/// The name of an identifier as the database stores it: PostgreSQL folds
/// unquoted names to lower case and keeps quoted ones; MySQL and SQLite
/// compare column and (here) table names case-blind, so they are folded too.
pub fn ident(dialect: Dialect, id: &Ident) -> String {
    match (dialect, id.quote_style) {
        (Dialect::Postgres, Some(_)) => id.value.clone(),
        _ => id.value.to_lowercase(),
    }
}

/// The key of a table, view, type or index: `name` in the default schema,
/// `schema.name` elsewhere.
pub fn object_name(dialect: Dialect, name: &ObjectName) -> String {
    let parts: Vec<String> = name
        .0
        .iter()
        .filter_map(|p| match p {
            ObjectNamePart::Identifier(i) => Some(ident(dialect, i)),
            _ => None,
        })
        .collect();
    qualify(dialect, &parts)
}

/// Join name parts into a key, dropping the default schema (and a catalog).
pub fn qualify(dialect: Dialect, parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [.., schema, name] => {
            if schema.eq_ignore_ascii_case(dialect.default_schema()) {
                name.clone()
            } else {
                format!("{schema}.{name}")
            }
        }
    }
}

/// Normalise a name written in an annotation (`"billing.invoices"`, `"Orders"`).
pub fn annotation_name(dialect: Dialect, written: &str) -> String {
    let parts: Vec<String> = written
        .split('.')
        .map(|p| {
            let p = p.trim();
            // Quoted parts keep their case; every dialect folds unquoted ones (see `ident`).
            if p.len() >= 2 && p.starts_with('"') && p.ends_with('"') {
                p[1..p.len() - 1].to_string()
            } else {
                p.to_lowercase()
            }
        })
        .collect();
    qualify(dialect, &parts)
}

/// The unqualified part of a key.
pub fn base_name(key: &str) -> &str {
    key.rsplit('.').next().unwrap_or(key)
}

/// The byte offset of `needle` (ASCII) in `haystack`, compared ASCII case-blind.
/// The offset is into `haystack` itself, so slicing it there is always sound
/// (an ASCII byte never sits inside a multi-byte character).
pub fn find_ascii_ci(haystack: &str, needle: &str) -> Option<usize> {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    if n.is_empty() {
        return Some(0);
    }
    h.windows(n.len()).position(|w| w.eq_ignore_ascii_case(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_ascii_ci_gives_offsets_into_the_text_itself() {
        assert_eq!(find_ascii_ci("alter … using x", "USING"), Some("alter … ".len()));
        assert_eq!(find_ascii_ci("ſſ USING", "using"), Some("ſſ ".len()));
        assert_eq!(find_ascii_ci("uſing", "USING"), None, "ſ is no ASCII s");
        assert_eq!(find_ascii_ci("abc", ""), Some(0));
    }

    #[test]
    fn folds_and_qualifies() {
        assert_eq!(annotation_name(Dialect::Postgres, "public.Orders"), "orders");
        assert_eq!(annotation_name(Dialect::Postgres, "billing.invoices"), "billing.invoices");
        assert_eq!(annotation_name(Dialect::Postgres, "\"Mixed\""), "Mixed");
        assert_eq!(base_name("billing.invoices"), "invoices");
    }
}
