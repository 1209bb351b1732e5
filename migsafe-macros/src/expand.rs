//! The expansions. Every path in the output is `::migsafe_runtime::…` (or
//! `::core::…`): a service depends on migsafe-runtime only.

use crate::load;
use migsafe_core::annotations::{parse_enum, parse_sql, parse_table, parse_touches, Decl, EnumTarget, Parsed};
use migsafe_core::footprint::{resolve_site, Target};
use migsafe_site as site;
use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::DeriveInput;

/// All errors as one (rustc shows each on its own span).
fn combine(errors: impl IntoIterator<Item = syn::Error>) -> Option<syn::Error> {
    errors.into_iter().reduce(|mut a, b| {
        a.combine(b);
        a
    })
}

fn to_tokens(error: Option<syn::Error>) -> TokenStream {
    error.map(|e| e.to_compile_error()).unwrap_or_default()
}

/// A configuration or migrations error, on the first annotation of the crate only.
fn load_errors(messages: &[String]) -> Option<syn::Error> {
    if !load::first_load_error() {
        return None;
    }
    combine(messages.iter().map(|m| syn::Error::new(Span::call_site(), format!("migsafe: {m}"))))
}

/// The validate phase: the declaration against the schema of the crate's
/// migrations. `key` is the annotation's [`crate::cache::annotation_key`].
/// Returns the problems as errors on their spans, and the `include_bytes!`
/// items that make cargo rebuild when a migration changes.
fn validate<T>(parsed: &Parsed<T>, decl: &Decl, key: u128) -> (Option<syn::Error>, String) {
    let loaded = load::schema();
    let loaded = match &*loaded {
        Ok(l) => l,
        // Not the annotation's fault: reported on the first macro call of the crate.
        Err(messages) => return (load_errors(messages), String::new()),
    };
    // An annotation that passed against this very schema before (in an
    // earlier compiler process) passes again without being resolved.
    let problems = if loaded.passed(key) {
        Vec::new()
    } else {
        let schema = match loaded.schema() {
            Ok(s) => s,
            Err(messages) => return (load_errors(messages), String::new()),
        };
        if loaded.carried(key, decl) {
            // Passed before a migration was added, and names nothing it changed.
            Vec::new()
        } else {
            let site = resolve_site(schema, decl, &[]);
            if site.problems.is_empty() {
                loaded.record_pass(key);
            }
            site.problems
        }
    };
    let track = tracking(loaded);
    let errors = problems.iter().map(|p| match p.target {
        Target::Target => syn::Error::new(parsed.target, &p.message),
        Target::Item => syn::Error::new(parsed.item, &p.message),
        Target::Part(i) => match parsed.parts.get(i) {
            // The whole part: `name: Type`, a variant, `table.column`.
            Some(&start) => {
                let end = parsed.part_ends.get(i).copied().unwrap_or(start);
                let (a, b) = (proc_macro2::Ident::new("start", start), proc_macro2::Ident::new("end", end));
                syn::Error::new_spanned(quote!(#a #b), &p.message)
            }
            None => syn::Error::new(parsed.item, &p.message),
        },
    });
    (combine(errors), track)
}

/// The `include_bytes!` items that make cargo rebuild when a migration
/// changes, on the first annotation of the crate (empty on the others).
fn tracking(loaded: &load::Loaded) -> String {
    let mut track = String::new();
    if loaded.first_mention() {
        for f in &loaded.files {
            if let Some(path) = f.to_str() {
                track.push_str(&format!("const _: &[u8] = ::core::include_bytes!({path:?});"));
            }
        }
    }
    track
}

/// Without the `footprint` feature, an annotation whose expansion is its input
/// (a `sql!` literal, a `#[touches]` item) needs neither its parse nor its
/// validate phase when it passed against this schema before (the parse was the
/// same: the key is the input's text) or, for a `sql!` (`literal`: its source
/// text), when it passed before the added migrations and its text names nothing
/// they changed (see [`load::Loaded::carried_literal`]). Returns the tracking
/// to emit with it.
fn passed_before(key: u128, literal: Option<&str>) -> Option<String> {
    if cfg!(feature = "footprint") {
        return None;
    }
    let loaded = load::schema();
    let loaded = (*loaded).as_ref().ok()?;
    let carried = || literal.is_some_and(|text| loaded.schema().is_ok() && loaded.carried_literal(key, text) == Some(true));
    (loaded.passed(key) || carried()).then(|| tracking(loaded))
}

/// `const _: () = { <tracking> migsafe_runtime::__private::site!(…); };`
///
/// The site is one string (encoded by `migsafe_site`, which the runtime
/// decodes it with), submitted by the runtime's `site!` to one inventory registry: far
/// cheaper for rustc than a `#[distributed_slice]` static of nested structs.
///
/// Only with the `footprint` feature, which migsafe-runtime's `footprint`
/// turns on: without it nothing reads the sites, and the expansion holds only
/// the tracking (on the crate's first annotation), so rustc has no item per
/// annotation to expand and check.
fn register(track: String, item: &str, decl: &site::Decl<'_>) -> TokenStream {
    if !cfg!(feature = "footprint") {
        if track.is_empty() {
            return TokenStream::new();
        }
        return parse_text(&format!("const _: () = {{ {track} }};"));
    }
    let head = site::encode_head(item, decl);
    // Where the annotation is, as `file!()` and `line!()` would say, written
    // as text: two built-in macro expansions fewer per site. A compiler that
    // does not tell the macro (rustc before 1.88) gets the built-ins.
    let here = Span::call_site();
    let (file, line) = (here.file(), here.start().line);
    let rest = if line > 0 && !file.starts_with('<') {
        format!(", {:?}", format!("\0{file}\0{line}"))
    } else {
        ", \"\\0\", ::core::file!(), \"\\0\", ::core::line!()".to_string()
    };
    // Written as text and parsed by the compiler's lexer: much cheaper than
    // building the tokens one by one (this runs once per annotation).
    parse_text(&format!("const _: () = {{ {track} ::migsafe_runtime::__private::site!({head:?}{rest}); }};"))
}

/// Tokens from text, lexed by the compiler: proc_macro's own `parse` (proc_macro2's would first lex the text again, unoptimized, to validate it).
fn parse_text(text: &str) -> TokenStream {
    match text.parse::<proc_macro::TokenStream>() {
        Ok(tokens) => tokens.into(),
        Err(e) => syn::Error::new(Span::call_site(), format!("migsafe: internal error: {e}")).to_compile_error(),
    }
}

pub fn sql(input: TokenStream) -> TokenStream {
    let text = input.to_string();
    let key = crate::cache::annotation_key("sql", &text);
    if let Some(track) = passed_before(key, Some(&text)) {
        let reg = register(track, "", &site::Decl::Query { sql: "" });
        return quote!({ #reg #input });
    }
    let parsed = match parse_sql(input.clone()) {
        Ok(p) => p,
        Err(errors) => {
            let e = to_tokens(combine(errors));
            return quote!({ #e "" });
        }
    };
    // parse_sql accepted the input: it is exactly one string literal, which is the expansion's value.
    let lit = input;
    let decl = Decl::Query(parsed.decl.clone());
    let (errors, track) = validate(&parsed, &decl, key);
    if let Some(e) = errors {
        let e = e.to_compile_error();
        return quote!({ #e #lit });
    }
    let reg = register(track, "", &site::Decl::Query { sql: &parsed.decl.sql });
    quote!({ #reg #lit })
}

pub fn table(input: TokenStream) -> TokenStream {
    let key = crate::cache::annotation_key("Table", &input.to_string());
    let di: DeriveInput = match syn::parse2(input) {
        Ok(d) => d,
        Err(e) => return e.to_compile_error(),
    };
    let ident = &di.ident;
    let (impl_g, ty_g, where_c) = di.generics.split_for_impl();
    let impl_table = |table: &str, columns: &[String]| {
        quote! {
            impl #impl_g ::migsafe_runtime::Table for #ident #ty_g #where_c {
                const TABLE: &'static str = #table;
                const COLUMNS: &'static [&'static str] = &[#(#columns),*];
            }
        }
    };
    let parsed = match parse_table(&di) {
        Ok(p) => p,
        Err(errors) => {
            // The impl still comes out, so code using `Order::TABLE` adds no errors of its own.
            let e = to_tokens(combine(errors));
            let imp = impl_table("", &[]);
            return quote!(#e #imp);
        }
    };
    let columns: Vec<String> = parsed.decl.fields.iter().map(|f| f.column.clone()).collect();
    let imp = impl_table(&parsed.decl.table, &columns);
    let decl = Decl::Table(parsed.decl.clone());
    let (errors, track) = validate(&parsed, &decl, key);
    if let Some(e) = errors {
        let e = e.to_compile_error();
        return quote!(#e #imp);
    }
    let enc = site::Decl::Table { table: &parsed.decl.table, columns: columns.iter().map(String::as_str).collect() };
    let reg = register(track, &ident.to_string(), &enc);
    quote!(#imp #reg)
}

pub fn sql_enum(input: TokenStream) -> TokenStream {
    let key = crate::cache::annotation_key("SqlEnum", &input.to_string());
    let di: DeriveInput = match syn::parse2(input) {
        Ok(d) => d,
        Err(e) => return e.to_compile_error(),
    };
    let ident = &di.ident;
    let (impl_g, ty_g, where_c) = di.generics.split_for_impl();
    let parsed = match parse_enum(&di) {
        Ok(p) => p,
        Err(errors) => {
            let e = to_tokens(combine(errors));
            let imp = quote! {
                impl #impl_g ::migsafe_runtime::SqlEnum for #ident #ty_g #where_c {
                    const TARGET: ::migsafe_runtime::EnumTarget = ::migsafe_runtime::EnumTarget::Type("");
                    const VALUES: &'static [&'static str] = &[];
                    const HAS_OTHER: bool = false;
                    fn sql_value(&self) -> ::core::option::Option<&'static str> { ::core::option::Option::None }
                    fn from_sql_value(_: &str) -> ::core::option::Option<Self> { ::core::option::Option::None }
                }
            };
            return quote!(#e #imp);
        }
    };
    let e = &parsed.decl;
    let target = match &e.target {
        EnumTarget::Type { name } => quote!(::migsafe_runtime::EnumTarget::Type(#name)),
        EnumTarget::Column { table, column } => quote!(::migsafe_runtime::EnumTarget::Column { table: #table, column: #column }),
    };
    let values: Vec<&str> = e.variants.iter().filter_map(|v| v.value.as_deref()).collect();
    let has_other = e.has_other;
    // parse_enum succeeded: a syn::Data::Enum of unit variants, in declaration order.
    let idents: Vec<&syn::Ident> = match &di.data {
        syn::Data::Enum(d) => d.variants.iter().map(|v| &v.ident).collect(),
        _ => Vec::new(),
    };
    let mut to_value = Vec::new();
    let mut from_value = Vec::new();
    let mut other = quote!(::core::option::Option::None);
    for (v, id) in e.variants.iter().zip(&idents) {
        match &v.value {
            Some(val) => {
                to_value.push(quote!(Self::#id => ::core::option::Option::Some(#val)));
                from_value.push(quote!(#val => ::core::option::Option::Some(Self::#id)));
            }
            None => {
                to_value.push(quote!(Self::#id => ::core::option::Option::None));
                other = quote!(::core::option::Option::Some(Self::#id));
            }
        }
    }
    let imp = quote! {
        impl #impl_g ::migsafe_runtime::SqlEnum for #ident #ty_g #where_c {
            const TARGET: ::migsafe_runtime::EnumTarget = #target;
            const VALUES: &'static [&'static str] = &[#(#values),*];
            const HAS_OTHER: bool = #has_other;
            fn sql_value(&self) -> ::core::option::Option<&'static str> {
                match *self { #(#to_value,)* }
            }
            fn from_sql_value(value: &str) -> ::core::option::Option<Self> {
                match value { #(#from_value,)* _ => #other }
            }
        }
    };
    let decl = Decl::SqlEnum(parsed.decl.clone());
    let (errors, track) = validate(&parsed, &decl, key);
    if let Some(err) = errors {
        let err = err.to_compile_error();
        return quote!(#err #imp);
    }
    let target = match &e.target {
        EnumTarget::Type { name } => site::EnumTarget::Type(name),
        EnumTarget::Column { table, column } => site::EnumTarget::Column { table, column },
    };
    let enc = site::Decl::SqlEnum { target, values, has_other };
    let reg = register(track, &ident.to_string(), &enc);
    quote!(#imp #reg)
}

pub fn touches(args: TokenStream, item: TokenStream) -> TokenStream {
    let key = crate::cache::annotation_key("touches", &args.to_string());
    if let Some(track) = passed_before(key, None) {
        return place(track, Vec::new(), item);
    }
    let parsed = match parse_touches(args) {
        Ok(p) => p,
        Err(errors) => {
            let e = to_tokens(combine(errors));
            return quote!(#e #item);
        }
    };
    let decl = Decl::Touches(parsed.decl.clone());
    let (errors, track) = validate(&parsed, &decl, key);
    if let Some(e) = errors {
        let e = e.to_compile_error();
        return quote!(#e #item);
    }
    let columns = parsed.decl.refs.iter().map(|r| site::Touch { access: r.access, table: &r.table, column: &r.column });
    place(track, columns.collect(), item)
}

/// A `#[touches]` item with its registration (and tracking), where an item may
/// stand: inside a function's body (methods included, as an impl block takes
/// no free items), after any other item.
fn place(track: String, columns: Vec<site::Touch<'_>>, item: TokenStream) -> TokenStream {
    if !cfg!(feature = "footprint") && track.is_empty() {
        // Nothing to register, nothing to track: the item as it was.
        return item;
    }
    let decl = site::Decl::Touches { columns };
    if let Ok(mut f) = syn::parse2::<syn::ItemFn>(item.clone()) {
        let reg = register(track, &f.sig.ident.to_string(), &decl);
        match syn::parse2::<syn::Stmt>(reg) {
            Ok(stmt) => {
                f.block.stmts.insert(0, stmt);
                return quote!(#f);
            }
            Err(e) => return e.to_compile_error(),
        }
    }
    let name = match syn::parse2::<syn::Item>(item.clone()) {
        Ok(syn::Item::Struct(i)) => i.ident.to_string(),
        Ok(syn::Item::Enum(i)) => i.ident.to_string(),
        Ok(syn::Item::Union(i)) => i.ident.to_string(),
        Ok(syn::Item::Mod(i)) => i.ident.to_string(),
        Ok(syn::Item::Trait(i)) => i.ident.to_string(),
        Ok(syn::Item::Static(i)) => i.ident.to_string(),
        Ok(syn::Item::Impl(i)) => {
            let ty = &i.self_ty;
            quote!(#ty).to_string().replace(' ', "")
        }
        // An associated const or type, a declaration without a body: nowhere to register; checked all the same.
        _ => return item,
    };
    let reg = register(track, &name, &decl);
    quote!(#item #reg)
}
