//! The folders a package's own files name for its migrations: sqlx's
//! `migrate!("…")` and diesel's `embed_migrations!("…")` in its code (found
//! outside comments and strings, without parsing the file), and diesel.toml's
//! `[migrations_directory]`.

/// A migrations folder named in the code: `migrate!("…")` (sqlx) or
/// `embed_migrations!("…")` (diesel_migrations), relative to the manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Embedded {
    /// The folder relative to the package's manifest.
    pub folder: String,
    /// `sqlx::migrate!("db")` as written, shortened.
    pub call: String,
    pub line: usize,
}

/// Find `migrate!(…)` and `embed_migrations!(…)` outside comments and
/// strings, and outside an item marked `#[cfg(test)]` (a test module that
/// embeds its own fixtures, or both dialects' folders as Plume's does, is
/// not the service's). A bare `migrate!()` means sqlx's default,
/// `migrations`; a bare `embed_migrations!()` names no folder (diesel then
/// searches like its CLI).
pub fn embedded_migrations(text: &str) -> Vec<Embedded> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut line = 1;
    // Brace and parenthesis depths; after `#[cfg(test)]`, the parenthesis
    // depth it was written at until its item's body opens; inside that
    // body, the brace depth it opened at.
    let (mut depth, mut parens) = (0usize, 0usize);
    let mut test_item: Option<usize> = None;
    let mut in_test: Option<usize> = None;
    while i < b.len() {
        match b[i] {
            b'#' if in_test.is_none() && text[i..].starts_with("#[cfg(test)]") => {
                test_item = Some(parens);
                i += "#[cfg(test)]".len();
            }
            b'{' => {
                if test_item == Some(parens) && in_test.is_none() {
                    in_test = Some(depth);
                }
                test_item = None;
                depth += 1;
                i += 1;
            }
            b'}' => {
                depth = depth.saturating_sub(1);
                if in_test == Some(depth) {
                    in_test = None;
                }
                test_item = None;
                i += 1;
            }
            b'(' => {
                parens += 1;
                i += 1;
            }
            b')' => {
                parens = parens.saturating_sub(1);
                // The marked parameter's list closed.
                if test_item.is_some_and(|p| parens < p) {
                    test_item = None;
                }
                i += 1;
            }
            // The marked item ended without a body (`#[cfg(test)] mod tests;`,
            // a field, a parameter).
            b';' | b',' if test_item == Some(parens) => {
                test_item = None;
                i += 1;
            }
            b'\n' => {
                line += 1;
                i += 1;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let mut depth = 0;
                while i < b.len() {
                    if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                        depth += 1;
                        i += 2;
                    } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        if b[i] == b'\n' {
                            line += 1;
                        }
                        i += 1;
                    }
                }
            }
            b'\'' => i = after_char_literal(b, i),
            b'"' => {
                let (_, end, nl) = string_at(b, i);
                line += nl;
                i = end;
            }
            b'r' if (b.get(i + 1) == Some(&b'"') || b.get(i + 1) == Some(&b'#')) && (i == 0 || !is_ident(b[i - 1])) => {
                let (_, end, nl) = string_at(b, i);
                line += nl;
                i = end.max(i + 1);
            }
            c if is_ident(c) && (i == 0 || !is_ident(b[i - 1])) => {
                let start = i;
                while i < b.len() && is_ident(b[i]) {
                    i += 1;
                }
                let word = &text[start..i];
                if (word == "migrate" || word == "embed_migrations") && b.get(i) == Some(&b'!') {
                    let mut j = i + 1;
                    while j < b.len() && b[j].is_ascii_whitespace() {
                        j += 1;
                    }
                    if !matches!(b.get(j), Some(b'(' | b'[' | b'{')) {
                        continue;
                    }
                    j += 1;
                    while j < b.len() && b[j].is_ascii_whitespace() {
                        j += 1;
                    }
                    // The path before the macro name (`sqlx::`), for the message.
                    let prefix_start = text[..start].trim_end_matches(|c: char| c.is_alphanumeric() || c == '_' || c == ':').len();
                    let prefix = &text[prefix_start..start];
                    let folder = match b.get(j) {
                        Some(b')' | b']' | b'}') if word == "migrate" => Some("migrations".to_string()),
                        Some(b'"') | Some(b'r') => string_at(b, j).0,
                        _ => None,
                    };
                    if let (Some(folder), None) = (folder, in_test) {
                        let call = if b.get(j) == Some(&b'"') || b.get(j) == Some(&b'r') {
                            format!("{prefix}{word}!(\"{folder}\")")
                        } else {
                            format!("{prefix}{word}!()")
                        };
                        out.push(Embedded { folder, call, line });
                    }
                }
            }
            _ => i += 1,
        }
    }
    out
}

/// After a char literal (`'"'`, `'\''`, `'é'`) starting at `i`; after the
/// quote alone for a lifetime (`'a`).
fn after_char_literal(b: &[u8], i: usize) -> usize {
    if b.get(i + 1) == Some(&b'\\') {
        // An escape: the closing quote comes within a few bytes (`'\u{10FFFF}'`).
        return (i + 3..b.len().min(i + 13)).find(|&j| b[j] == b'\'').map(|j| j + 1).unwrap_or(i + 1);
    }
    let len = match b.get(i + 1) {
        Some(&c) if c < 0x80 => 1,
        Some(&c) if c >= 0xF0 => 4,
        Some(&c) if c >= 0xE0 => 3,
        Some(_) => 2,
        None => return i + 1,
    };
    if b.get(i + 1 + len) == Some(&b'\'') {
        i + 2 + len
    } else {
        i + 1
    }
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// The string literal starting at `i` (`"…"` or `r#"…"#`): its value (escapes
/// other than `\"` and `\\` left as written), the index after it, and the newlines in it.
fn string_at(b: &[u8], i: usize) -> (Option<String>, usize, usize) {
    let mut j = i;
    let mut hashes = 0;
    let raw = b.get(j) == Some(&b'r');
    if raw {
        j += 1;
        while b.get(j) == Some(&b'#') {
            hashes += 1;
            j += 1;
        }
    }
    if b.get(j) != Some(&b'"') {
        return (None, i + 1, 0);
    }
    j += 1;
    let mut value = Vec::new();
    let mut nl = 0;
    while j < b.len() {
        let c = b[j];
        if c == b'\n' {
            nl += 1;
        }
        if !raw && c == b'\\' && j + 1 < b.len() {
            value.push(b[j + 1]);
            if b[j + 1] == b'\n' {
                nl += 1;
            }
            j += 2;
            continue;
        }
        if c == b'"' && b[j + 1..].iter().take(hashes).filter(|&&h| h == b'#').count() == hashes && b.len() >= j + 1 + hashes {
            return (Some(String::from_utf8_lossy(&value).into_owned()), j + 1 + hashes, nl);
        }
        value.push(c);
        j += 1;
    }
    (None, b.len(), nl)
}

/// diesel.toml's `[migrations_directory] dir`, relative to the diesel.toml.
pub fn diesel_migrations_dir(text: &str) -> Option<String> {
    let doc = toml_edit::ImDocument::parse(text).ok()?;
    let dir = doc.get("migrations_directory")?.get("dir")?.as_str()?;
    (!dir.starts_with('/')).then(|| dir.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrate_macros_in_code_not_in_comments_or_strings() {
        let src = r#"
// sqlx::migrate!("commented")
/* migrate!("blocked") */
const S: &str = "migrate!(\"quoted\")";
static M: Migrator = sqlx::migrate!("./db/migrations");
fn f() { migrate!().run(&pool); }
fn g() { embed_migrations!("../../migrations"); embed_migrations!(); }
fn h() { my_migrate!("x"); }
"#;
        let got: Vec<(String, String, usize)> = embedded_migrations(src).into_iter().map(|e| (e.folder, e.call, e.line)).collect();
        assert_eq!(
            got,
            [
                ("./db/migrations".to_string(), "sqlx::migrate!(\"./db/migrations\")".to_string(), 5),
                ("migrations".to_string(), "migrate!()".to_string(), 6),
                ("../../migrations".to_string(), "embed_migrations!(\"../../migrations\")".to_string(), 7),
            ]
        );
        assert_eq!(embedded_migrations("let m = sqlx::migrate!(r\"sql\");")[0].folder, "sql");
        // A quote in a char literal opens no string; a lifetime is no char literal.
        let src = "fn q<'a>(s: &'a str) -> bool { s == \"'\" || s.starts_with('\"') || s.ends_with('\\'') }\nstatic M: Migrator = migrate!(\"db\");\n";
        assert_eq!(embedded_migrations(src).into_iter().map(|e| (e.folder, e.line)).collect::<Vec<_>>(), [("db".to_string(), 2)]);
    }

    /// Plume's lib.rs embeds both dialects' folders in `#[cfg(test)] mod
    /// tests`: those are not the service's, and what follows the module is.
    #[test]
    fn test_items_are_not_the_services() {
        let src = r#"
#[cfg(test)]
#[macro_use]
mod tests {
    #[cfg(feature = "sqlite")]
    embed_migrations!("../migrations/sqlite");
    fn inner() { let s = "}"; if true { embed_migrations!("nested"); } }
    #[cfg(feature = "postgres")]
    embed_migrations!("../migrations/postgres");
}
#[cfg(test)]
mod more;
#[cfg(test)]
fn fixture() { sqlx::migrate!("tests/fixtures"); }
struct S { #[cfg(test)] a: i32, b: i32 }
fn run() { sqlx::migrate!("db/migrations"); }
"#;
        let found: Vec<(String, usize)> = embedded_migrations(src).into_iter().map(|e| (e.folder, e.line)).collect();
        assert_eq!(found, [("db/migrations".to_string(), 16)]);
    }

    #[test]
    fn diesel_toml() {
        assert_eq!(
            diesel_migrations_dir("[print_schema]\nfile = \"src/schema.rs\"\n\n[migrations_directory]\ndir = \"db/migrations\"\n").as_deref(),
            Some("db/migrations")
        );
        assert_eq!(diesel_migrations_dir("[print_schema]\nfile = \"src/schema.rs\"\n"), None);
    }
}
