//! Parsing annotation syntax into declarations, collecting every error.

use super::{apply_rename_all, EnumDecl, EnumTarget, FieldDecl, Role, RustType, SqlDecl, TableDecl, TouchRef, TouchesDecl, VariantDecl, RENAME_ALL_RULES};
use crate::footprint::Access;
use proc_macro2::{Span, TokenStream};
use syn::parse::{ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Attribute, Data, DeriveInput, Expr, Fields, GenericArgument, Lit, LitStr, PathArguments, Token, Type};

/// A declaration plus the spans the macros point errors at.
#[derive(Debug, Clone)]
pub struct Parsed<T> {
    pub decl: T,
    /// The whole item.
    pub item: Span,
    /// The `table = "…"` / `type = "…"` / `column = "…"` literal.
    pub target: Span,
    /// One per field, variant or touched column, in declaration order: its
    /// first token (the field or variant name, the table of `table.column`).
    pub parts: Vec<Span>,
    /// The last token of each part (the end of a field's type, of a variant,
    /// the column of `table.column`), so an error can underline the whole part.
    pub part_ends: Vec<Span>,
}

/// The span of the last token of `t` (`fallback` if it has none).
fn last_span(t: &impl quote::ToTokens, fallback: Span) -> Span {
    t.to_token_stream().into_iter().last().map(|tt| tt.span()).unwrap_or(fallback)
}

fn line(span: Span) -> u32 {
    span.start().line as u32
}

type Errors = Vec<syn::Error>;

/// Read `#[migsafe(...)]` attributes; `f` gets each key and its value (if any).
/// A key given twice (in one attribute or across several) is an error, as
/// serde makes it, rather than the second silently winning.
fn migsafe_attrs(attrs: &[Attribute], errors: &mut Errors, mut f: impl FnMut(&syn::Path, Option<Expr>, &mut Errors)) {
    let mut seen: Vec<String> = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("migsafe")) {
        let res = attr.parse_nested_meta(|meta| {
            let value = if meta.input.peek(Token![=]) { Some(value_expr(meta.value()?)?) } else { None };
            let key = key_name(&meta.path);
            if seen.contains(&key) {
                errors.push(syn::Error::new(meta.path.span(), format!("duplicate migsafe attribute `{key}`")));
                return Ok(());
            }
            seen.push(key);
            f(&meta.path, value, errors);
            Ok(())
        });
        if let Err(e) = res {
            errors.push(e);
        }
    }
}

/// A `key = value` value. Almost every value is one literal: read as one,
/// without syn's whole expression grammar, which is costly in a proc macro
/// built without optimization (as the dev profile builds it); anything else
/// is read as an expression, as before.
fn value_expr(input: syn::parse::ParseStream<'_>) -> syn::Result<Expr> {
    use syn::parse::discouraged::Speculative;
    if input.peek(Lit) {
        let fork = input.fork();
        if let Ok(lit) = fork.parse::<Lit>() {
            if fork.is_empty() || fork.peek(Token![,]) {
                input.advance_to(&fork);
                return Ok(Expr::Lit(syn::ExprLit { attrs: Vec::new(), lit }));
            }
        }
    }
    input.parse::<Expr>()
}

fn key_name(p: &syn::Path) -> String {
    p.get_ident().map(|i| i.to_string()).unwrap_or_else(|| quote_path(p))
}

fn quote_path(p: &syn::Path) -> String {
    p.segments.iter().map(|s| s.ident.to_string()).collect::<Vec<_>>().join("::")
}

fn string_value(key: &str, value: Option<Expr>, span: Span, errors: &mut Errors) -> Option<LitStr> {
    match value {
        Some(Expr::Lit(syn::ExprLit { lit: Lit::Str(s), .. })) => Some(s),
        Some(other) => {
            errors.push(syn::Error::new(other.span(), format!("expected a string literal: `{key} = \"…\"`")));
            None
        }
        None => {
            errors.push(syn::Error::new(span, format!("`{key}` needs a value: `{key} = \"…\"`")));
            None
        }
    }
}

fn flag(key: &str, value: Option<Expr>, errors: &mut Errors) {
    if let Some(v) = value {
        errors.push(syn::Error::new(v.span(), format!("`{key}` takes no value: write `#[migsafe({key})]`")));
    }
}

/// `#[derive(Table)]` on a struct with named fields.
pub fn parse_table(input: &DeriveInput) -> Result<Parsed<TableDecl>, Vec<syn::Error>> {
    let mut errors = Errors::new();
    let mut table: Option<LitStr> = None;
    migsafe_attrs(&input.attrs, &mut errors, |path, value, errors| match key_name(path).as_str() {
        "table" => {
            if let Some(s) = string_value("table", value, path.span(), errors) {
                if s.value().trim().is_empty() {
                    errors.push(syn::Error::new(s.span(), "the table name is empty"));
                } else {
                    table = Some(s);
                }
            }
        }
        other => errors.push(syn::Error::new(path.span(), format!("unknown migsafe attribute `{other}` on a Table struct: expected `table = \"…\"`"))),
    });
    let fields = match &input.data {
        Data::Struct(s) => match &s.fields {
            Fields::Named(n) => Some(n.named.iter().collect::<Vec<_>>()),
            _ => {
                errors.push(syn::Error::new(input.ident.span(), "#[derive(Table)] needs a struct with named fields (one per column)"));
                None
            }
        },
        _ => {
            errors.push(syn::Error::new(input.ident.span(), "#[derive(Table)] applies to structs; use #[derive(SqlEnum)] for enums"));
            None
        }
    };
    if table.is_none() && !errors.iter().any(|e| e.to_string().contains("table")) {
        errors
            .push(syn::Error::new(input.ident.span(), format!("#[derive(Table)] needs the table it maps: add #[migsafe(table = \"…\")] to `{}`", input.ident)));
    }
    let mut decl_fields = Vec::new();
    let mut parts = Vec::new();
    let mut part_ends = Vec::new();
    // A sqlx FromRow struct's own mapping counts, so it is not written twice.
    let sqlx_rename_all = crate::sources::attr_value(&input.attrs, "sqlx", "rename_all");
    if let Some(rule) = &sqlx_rename_all {
        if apply_rename_all(rule, "X").is_none() {
            errors.push(syn::Error::new(
                input.ident.span(),
                format!("#[sqlx(rename_all = \"{rule}\")] is not a convention migsafe knows: expected one of {}", RENAME_ALL_RULES.join(", ")),
            ));
        }
    }
    for f in fields.unwrap_or_default() {
        let Some(ident) = &f.ident else { continue };
        let mut column: Option<String> =
            crate::sources::attr_value(&f.attrs, "sqlx", "rename").or_else(|| crate::sources::attr_value(&f.attrs, "diesel", "column_name"));
        let mut skip = crate::sources::attr_flag(&f.attrs, "sqlx", "skip");
        if crate::sources::attr_flag(&f.attrs, "sqlx", "flatten") {
            errors.push(syn::Error::new(
                ident.span(),
                "#[sqlx(flatten)]: migsafe cannot see the nested struct from here; give it its own #[derive(Table)] and mark this field #[migsafe(skip)]",
            ));
        }
        migsafe_attrs(&f.attrs, &mut errors, |path, value, errors| match key_name(path).as_str() {
            "column" => {
                if let Some(s) = string_value("column", value, path.span(), errors) {
                    column = Some(s.value());
                }
            }
            "skip" => {
                flag("skip", value, errors);
                skip = true;
            }
            other => errors.push(syn::Error::new(path.span(), format!("unknown migsafe attribute `{other}` on a field: expected `column = \"…\"` or `skip`"))),
        });
        if skip {
            continue;
        }
        let name = ident.to_string();
        let name = name.strip_prefix("r#").unwrap_or(&name).to_string();
        let column = column.unwrap_or_else(|| match &sqlx_rename_all {
            Some(rule) => apply_rename_all(rule, &name).unwrap_or_else(|| name.clone()),
            None => name.clone(),
        });
        decl_fields.push(FieldDecl { field: name, column, rust_type: rust_type(&f.ty), line: line(f.span()) });
        parts.push(ident.span());
        part_ends.push(last_span(&f.ty, ident.span()));
    }
    let Some(table) = table.filter(|_| errors.is_empty()) else {
        if errors.is_empty() {
            errors.push(syn::Error::new(input.ident.span(), "#[derive(Table)] needs #[migsafe(table = \"…\")]"));
        }
        return Err(errors);
    };
    Ok(Parsed {
        decl: TableDecl { rust_name: input.ident.to_string(), table: table.value(), fields: decl_fields, role: Role::Read, decoding: Default::default() },
        item: input.ident.span(),
        target: table.span(),
        parts,
        part_ends,
    })
}

/// Reduce a field type to (optional, last segment name).
pub fn rust_type(ty: &Type) -> RustType {
    let text = quote::ToTokens::to_token_stream(ty).to_string().replace(' ', "");
    let (optional, inner) = match option_inner(ty) {
        Some(t) => (true, t),
        None => (false, ty),
    };
    let name = match inner {
        Type::Path(p) => p
            .path
            .segments
            .last()
            .map(|s| {
                let base = s.ident.to_string();
                match (&s.arguments, base.as_str()) {
                    (PathArguments::AngleBracketed(a), "Vec") => {
                        let arg = a.args.first().map(|g| quote::ToTokens::to_token_stream(g).to_string().replace(' ', "")).unwrap_or_default();
                        format!("Vec<{arg}>")
                    }
                    _ => base,
                }
            })
            .unwrap_or_default(),
        Type::Reference(r) => match r.elem.as_ref() {
            Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default(),
            Type::Slice(_) => "Vec<u8>".into(),
            _ => String::new(),
        },
        _ => String::new(),
    };
    RustType { text, optional, name }
}

fn option_inner(ty: &Type) -> Option<&Type> {
    let Type::Path(p) = ty else { return None };
    let seg = p.path.segments.last()?;
    if seg.ident != "Option" {
        return None;
    }
    let PathArguments::AngleBracketed(a) = &seg.arguments else { return None };
    match a.args.first()? {
        GenericArgument::Type(t) => Some(t),
        _ => None,
    }
}

/// `#[derive(SqlEnum)]` on a fieldless enum.
pub fn parse_enum(input: &DeriveInput) -> Result<Parsed<EnumDecl>, Vec<syn::Error>> {
    let mut errors = Errors::new();
    let mut target: Option<(EnumTarget, Span)> = None;
    let mut rename_all: Option<LitStr> = None;
    migsafe_attrs(&input.attrs, &mut errors, |path, value, errors| {
        let key = key_name(path);
        match key.as_str() {
            "type" | "column" => {
                let Some(s) = string_value(&key, value, path.span(), errors) else { return };
                if target.is_some() {
                    errors.push(syn::Error::new(
                        s.span(),
                        "a SqlEnum maps either a database enum `type = \"…\"` or a text `column = \"table.column\"`, not both",
                    ));
                    return;
                }
                let v = s.value();
                if key == "type" {
                    if v.trim().is_empty() {
                        errors.push(syn::Error::new(s.span(), "the type name is empty"));
                    } else {
                        target = Some((EnumTarget::Type { name: v }, s.span()));
                    }
                } else {
                    match v.rsplit_once('.') {
                        Some((t, c)) if !t.is_empty() && !c.is_empty() => {
                            target = Some((EnumTarget::Column { table: t.to_string(), column: c.to_string() }, s.span()))
                        }
                        _ => errors.push(syn::Error::new(s.span(), "expected `column = \"table.column\"`")),
                    }
                }
            }
            "rename_all" => {
                if let Some(s) = string_value("rename_all", value, path.span(), errors) {
                    if RENAME_ALL_RULES.contains(&s.value().as_str()) {
                        rename_all = Some(s);
                    } else {
                        errors.push(syn::Error::new(
                            s.span(),
                            format!("unknown rename_all rule `{}`: expected one of {}", s.value(), RENAME_ALL_RULES.join(", ")),
                        ));
                    }
                }
            }
            other => errors.push(syn::Error::new(
                path.span(),
                format!("unknown migsafe attribute `{other}` on a SqlEnum: expected `type = \"…\"`, `column = \"table.column\"` or `rename_all = \"…\"`"),
            )),
        }
    });
    let variants = match &input.data {
        Data::Enum(e) => e.variants.iter().collect::<Vec<_>>(),
        _ => {
            errors.push(syn::Error::new(input.ident.span(), "#[derive(SqlEnum)] applies to enums; use #[derive(Table)] for structs"));
            Vec::new()
        }
    };
    if target.is_none() && matches!(input.data, Data::Enum(_)) && !errors.iter().any(|e| e.to_string().contains("type = ")) {
        errors.push(syn::Error::new(
            input.ident.span(),
            format!("#[derive(SqlEnum)] needs what it maps: add #[migsafe(type = \"…\")] or #[migsafe(column = \"table.column\")] to `{}`", input.ident),
        ));
    }
    let mut decl_variants = Vec::new();
    let mut parts = Vec::new();
    let mut part_ends = Vec::new();
    let mut has_other = false;
    for v in variants {
        let mut rename: Option<String> = None;
        let mut other = false;
        migsafe_attrs(&v.attrs, &mut errors, |path, value, errors| match key_name(path).as_str() {
            "rename" => {
                if let Some(s) = string_value("rename", value, path.span(), errors) {
                    rename = Some(s.value());
                }
            }
            "other" => {
                flag("other", value, errors);
                other = true;
            }
            k => errors.push(syn::Error::new(path.span(), format!("unknown migsafe attribute `{k}` on a variant: expected `rename = \"…\"` or `other`"))),
        });
        if !matches!(v.fields, Fields::Unit) {
            errors.push(syn::Error::new(v.span(), "SqlEnum variants carry no data: each one is a database value"));
        }
        if other {
            if has_other {
                errors.push(syn::Error::new(v.ident.span(), "only one variant can be #[migsafe(other)]"));
            }
            has_other = true;
        }
        let name = v.ident.to_string();
        let value = if other {
            None
        } else {
            Some(rename.unwrap_or_else(|| match &rename_all {
                Some(r) => apply_rename_all(&r.value(), &name).unwrap_or(name.clone()),
                None => name.clone(),
            }))
        };
        decl_variants.push(VariantDecl { variant: name, value, line: line(v.span()) });
        parts.push(v.ident.span());
        part_ends.push(match &v.discriminant {
            Some((_, e)) => last_span(e, v.ident.span()),
            None => last_span(&v.fields, v.ident.span()),
        });
    }
    // Two variants with the same database value cannot both round-trip.
    for (i, a) in decl_variants.iter().enumerate() {
        if let Some(b) = decl_variants[..i].iter().find(|b| b.value.is_some() && b.value == a.value) {
            errors
                .push(syn::Error::new(parts[i], format!("variants `{}` and `{}` both map to '{}'", b.variant, a.variant, a.value.clone().unwrap_or_default())));
        }
    }
    let Some((target, target_span)) = target.filter(|_| errors.is_empty()) else {
        if errors.is_empty() {
            errors.push(syn::Error::new(input.ident.span(), "#[derive(SqlEnum)] needs #[migsafe(type = \"…\")] or #[migsafe(column = \"table.column\")]"));
        }
        return Err(errors);
    };
    Ok(Parsed {
        decl: EnumDecl { rust_name: input.ident.to_string(), target, variants: decl_variants, has_other },
        item: input.ident.span(),
        target: target_span,
        parts,
        part_ends,
    })
}

/// `#[touches(read(t.c, …), write(t.c), filter(..), insert(..))]` arguments.
pub fn parse_touches(args: TokenStream) -> Result<Parsed<TouchesDecl>, Vec<syn::Error>> {
    let mut errors = Errors::new();
    let mut refs = Vec::new();
    let mut parts = Vec::new();
    let mut part_ends = Vec::new();
    let whole = args.span();
    let parser = |input: ParseStream| -> syn::Result<()> {
        if input.is_empty() {
            return Err(input.error("#[touches] lists what the item touches: #[touches(read(table.column, …), write(table.column, …))]"));
        }
        while !input.is_empty() {
            let kw: syn::Ident = input.parse()?;
            let access = match kw.to_string().as_str() {
                "read" => Some(Access::Read),
                "write" => Some(Access::Write),
                "filter" => Some(Access::Filter),
                "insert" => Some(Access::Insert),
                _ => None,
            };
            let content;
            syn::parenthesized!(content in input);
            match access {
                None => {
                    errors.push(syn::Error::new(kw.span(), format!("unknown access `{kw}`: expected read(..), write(..), filter(..) or insert(..)")));
                    let _: TokenStream = content.parse()?;
                }
                Some(access) => {
                    let cols: Punctuated<Punctuated<syn::Ident, Token![.]>, Token![,]> =
                        content.parse_terminated(|p| Punctuated::<syn::Ident, Token![.]>::parse_separated_nonempty(p), Token![,])?;
                    for path in cols {
                        let names: Vec<String> = path.iter().map(|i| i.to_string()).collect();
                        let span = path.span();
                        if names.len() < 2 {
                            errors.push(syn::Error::new(span, format!("`{}`: name the table too, as `table.column`", names.join("."))));
                            continue;
                        }
                        let (table, column) = names.split_at(names.len() - 1);
                        refs.push(TouchRef { access, table: table.join("."), column: column[0].clone(), line: line(span) });
                        parts.push(span);
                        part_ends.push(path.last().map(|i| i.span()).unwrap_or(span));
                    }
                }
            }
            if !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
        }
        Ok(())
    };
    if let Err(e) = parser.parse2(args) {
        errors.push(e);
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Parsed { decl: TouchesDecl { refs }, item: whole, target: whole, parts, part_ends })
}

/// `sql!("…")`: one string literal (raw strings too).
pub fn parse_sql(input: TokenStream) -> Result<Parsed<SqlDecl>, Vec<syn::Error>> {
    let span = input.span();
    match syn::parse2::<LitStr>(input) {
        Ok(lit) => Ok(Parsed {
            decl: SqlDecl { sql: lit.value(), row: None, schema_typed: false, offline: Vec::new() },
            item: lit.span(),
            target: lit.span(),
            parts: vec![],
            part_ends: vec![],
        }),
        Err(_) => Err(vec![syn::Error::new(span, "sql! takes one string literal: sql!(\"SELECT …\")")]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(src: &str) -> Result<TableDecl, Vec<String>> {
        let di: DeriveInput = syn::parse_str(src).unwrap();
        parse_table(&di).map(|p| p.decl).map_err(|e| e.iter().map(|e| e.to_string()).collect())
    }

    #[test]
    fn a_key_given_twice_is_an_error_not_an_overwrite() {
        let e = table(r#"#[migsafe(table = "orders")] #[migsafe(table = "order")] struct O { id: i64 }"#).unwrap_err();
        assert!(e.iter().any(|m| m.contains("duplicate migsafe attribute `table`")), "{e:?}");
        let e = table(r#"#[migsafe(table = "orders")] struct O { #[migsafe(column = "a", column = "b")] id: i64 }"#).unwrap_err();
        assert!(e.iter().any(|m| m.contains("duplicate migsafe attribute `column`")), "{e:?}");
    }

    #[test]
    fn sqlx_and_diesel_mappings_are_read_not_written_twice() {
        let t = table(
            r#"#[migsafe(table = "users")] #[sqlx(rename_all = "camelCase")] struct U { user_id: i64, #[sqlx(rename = "mail")] email: String, #[sqlx(skip)] cache: u8, #[diesel(column_name = nick)] name: String, #[sqlx(rename = "x")] #[migsafe(column = "wins")] y: i32 }"#,
        )
        .unwrap();
        let cols: Vec<&str> = t.fields.iter().map(|f| f.column.as_str()).collect();
        assert_eq!(cols, ["userId", "mail", "nick", "wins"]);
        let e = table(r#"#[migsafe(table = "users")] struct U { id: i64, #[sqlx(flatten)] audit: Audit }"#).unwrap_err();
        assert!(e[0].contains("#[sqlx(flatten)]"), "{e:?}");
    }

    #[test]
    fn table_fields_columns_and_skips() {
        let t = table(
            r#"#[migsafe(table = "orders")] struct O { id: i64, #[migsafe(column = "payment_ref")] payment: Option<String>, #[migsafe(skip)] cached: u32 }"#,
        )
        .unwrap();
        assert_eq!(t.table, "orders");
        assert_eq!(t.fields.len(), 2);
        assert_eq!(t.fields[1].column, "payment_ref");
        assert!(t.fields[1].rust_type.optional);
        assert_eq!(t.fields[1].rust_type.name, "String");
    }

    #[test]
    fn table_errors_are_collected() {
        let errs = table(r#"#[migsafe(table = 5, tabel = "x")] struct O { #[migsafe(colum = "x")] a: i32 }"#).unwrap_err();
        assert_eq!(errs.len(), 3, "{errs:?}");
        assert!(errs[0].contains("expected a string literal"));
        assert!(errs[1].contains("unknown migsafe attribute `tabel`"));
        assert!(errs[2].contains("unknown migsafe attribute `colum`"));
        let errs = table("struct O { a: i32 }").unwrap_err();
        assert!(errs[0].contains("needs the table"), "{errs:?}");
    }

    #[test]
    fn enum_values_follow_renames() {
        let di: DeriveInput = syn::parse_str(
            r#"#[migsafe(type = "order_status", rename_all = "snake_case")] enum S { Pending, AwaitingConfirmation, #[migsafe(rename = "CANCELLED")] Cancelled, #[migsafe(other)] Unknown }"#,
        )
        .unwrap();
        let e = parse_enum(&di).unwrap().decl;
        let vals: Vec<Option<String>> = e.variants.iter().map(|v| v.value.clone()).collect();
        assert_eq!(vals, [Some("pending".into()), Some("awaiting_confirmation".into()), Some("CANCELLED".into()), None]);
        assert!(e.has_other);
    }

    #[test]
    fn touches_lists_columns() {
        let t = parse_touches("read(orders.id, billing.invoices.total), write(orders.status)".parse().unwrap()).unwrap().decl;
        assert_eq!(t.refs.len(), 3);
        assert_eq!(t.refs[1].table, "billing.invoices");
        assert_eq!(t.refs[2].access, Access::Write);
        let errs = parse_touches("reed(orders.id), read(id)".parse().unwrap()).unwrap_err();
        assert_eq!(errs.len(), 2);
    }
}
