//! The expansions. Every path in the output is `::migsafe_runtime::…` (or
//! `::core::…`): a service depends on migsafe-runtime only.

use crate::load;
use migsafe_core::annotations::{parse_enum, parse_sql, parse_table, parse_touches, Decl, EnumTarget, Parsed};
use migsafe_core::footprint::{resolve_site, Access, Target};
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

/// The validate phase: the declaration against the schema of the crate's
/// migrations. Returns the problems as errors on their spans, and the
/// `include_bytes!` items that make cargo rebuild when a migration changes.
fn validate<T>(parsed: &Parsed<T>, decl: &Decl) -> (Option<syn::Error>, TokenStream) {
    let loaded = load::schema();
    let loaded = match &*loaded {
        Ok(l) => l,
        // Not the annotation's fault: reported on the macro call.
        Err(messages) => return (combine(messages.iter().map(|m| syn::Error::new(Span::call_site(), format!("migsafe: {m}")))), TokenStream::new()),
    };
    let mut track = TokenStream::new();
    if load::first_mention(&loaded.files) {
        for f in &loaded.files {
            if let Some(path) = f.to_str() {
                track.extend(quote!(const _: &[u8] = ::core::include_bytes!(#path);));
            }
        }
    }
    let site = resolve_site(&loaded.schema, decl, &[]);
    let errors = site.problems.iter().map(|p| match p.target {
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

/// `const _: () = { <tracking> static <site in the distributed slice> };`
fn register(track: TokenStream, item: &str, decl: TokenStream) -> TokenStream {
    quote! {
        const _: () = {
            #track
            #[::migsafe_runtime::__private::distributed_slice(::migsafe_runtime::__private::SITES)]
            #[linkme(crate = ::migsafe_runtime::__private::linkme)]
            static __MIGSAFE_SITE: ::migsafe_runtime::Site = ::migsafe_runtime::Site {
                item: #item,
                module: ::core::module_path!(),
                file: ::core::file!(),
                line: ::core::line!(),
                decl: #decl,
            };
        };
    }
}

pub fn sql(input: TokenStream) -> TokenStream {
    let lit = syn::parse2::<syn::LitStr>(input.clone()).ok();
    let parsed = match (parse_sql(input), lit) {
        (Ok(p), Some(lit)) => (p, lit),
        (Err(errors), _) => {
            let e = to_tokens(combine(errors));
            return quote!({ #e "" });
        }
        (Ok(p), None) => {
            let e = syn::Error::new(p.target, "sql! takes one string literal").to_compile_error();
            return quote!({ #e "" });
        }
    };
    let (parsed, lit) = parsed;
    let decl = Decl::Query(parsed.decl.clone());
    let (errors, track) = validate(&parsed, &decl);
    if let Some(e) = errors {
        let e = e.to_compile_error();
        return quote!({ #e #lit });
    }
    let reg = register(track, "", quote!(::migsafe_runtime::Decl::Query { sql: #lit }));
    quote!({ #reg #lit })
}

pub fn table(input: TokenStream) -> TokenStream {
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
    let (errors, track) = validate(&parsed, &decl);
    if let Some(e) = errors {
        let e = e.to_compile_error();
        return quote!(#e #imp);
    }
    let table = &parsed.decl.table;
    let reg = register(track, &ident.to_string(), quote!(::migsafe_runtime::Decl::Table { table: #table, columns: &[#(#columns),*] }));
    quote!(#imp #reg)
}

pub fn sql_enum(input: TokenStream) -> TokenStream {
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
    let (errors, track) = validate(&parsed, &decl);
    if let Some(err) = errors {
        let err = err.to_compile_error();
        return quote!(#err #imp);
    }
    let reg = register(
        track,
        &ident.to_string(),
        quote!(::migsafe_runtime::Decl::SqlEnum { target: #target, values: &[#(#values),*], has_other: #has_other }),
    );
    quote!(#imp #reg)
}

pub fn touches(args: TokenStream, item: TokenStream) -> TokenStream {
    let parsed = match parse_touches(args) {
        Ok(p) => p,
        Err(errors) => {
            let e = to_tokens(combine(errors));
            return quote!(#e #item);
        }
    };
    let decl = Decl::Touches(parsed.decl.clone());
    let (errors, track) = validate(&parsed, &decl);
    if let Some(e) = errors {
        let e = e.to_compile_error();
        return quote!(#e #item);
    }
    let touches = parsed.decl.refs.iter().map(|r| {
        let access = match r.access {
            Access::Read => quote!(Read),
            Access::Filter => quote!(Filter),
            Access::Write => quote!(Write),
            Access::Insert => quote!(Insert),
        };
        let (table, column) = (&r.table, &r.column);
        quote!(::migsafe_runtime::Touch { access: ::migsafe_runtime::Access::#access, table: #table, column: #column })
    });
    let decl = quote!(::migsafe_runtime::Decl::Touches { columns: &[#(#touches),*] });
    // The registration goes where an item may stand: inside a function's body
    // (methods included, as an impl block takes no free items), after any other item.
    if let Ok(mut f) = syn::parse2::<syn::ItemFn>(item.clone()) {
        let reg = register(track, &f.sig.ident.to_string(), decl);
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
    let reg = register(track, &name, decl);
    quote!(#item #reg)
}
