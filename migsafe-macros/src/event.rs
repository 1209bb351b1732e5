//! `#[migsafe_runtime::event("orders.v1")]` (and `event(payload =
//! "orders.details")` for a JSON column's type): the item is emitted
//! unchanged; the attribute only checks that the contract is one serde
//! derives, so that `cargo migsafe check` can read its wire shape from the
//! code. A produced type must derive `Serialize`, a consumed one
//! `Deserialize` (both unless `produces` / `consumes` says which).

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use syn::parse::{Parse, ParseStream};
use syn::{Ident, LitStr, Token};

/// The attribute's arguments.
struct Args {
    produces: bool,
    consumes: bool,
}

impl Parse for Args {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        if input.is_empty() {
            return Err(syn::Error::new(
                Span::call_site(),
                "expected the contract's name: `#[event(\"orders.v1\")]` or `#[event(payload = \"table.column\")]`",
            ));
        }
        let (mut produces, mut consumes, mut named) = (false, false, false);
        while !input.is_empty() {
            if input.peek(LitStr) {
                let name: LitStr = input.parse()?;
                if name.value().trim().is_empty() {
                    return Err(syn::Error::new(name.span(), "the contract's name is empty: name the topic or contract (`\"orders.v1\"`)"));
                }
                named = true;
            } else {
                let id: Ident = input.parse()?;
                match id.to_string().as_str() {
                    "produces" => produces = true,
                    "consumes" => consumes = true,
                    "payload" => {
                        input.parse::<Token![=]>()?;
                        let p: LitStr = input.parse()?;
                        let v = p.value();
                        match v.rsplit_once('.') {
                            Some((t, c)) if !t.is_empty() && !c.is_empty() => {}
                            _ => return Err(syn::Error::new(p.span(), format!("`{v}`: a payload names its JSON column as `table.column`"))),
                        }
                        named = true;
                    }
                    other => {
                        return Err(syn::Error::new(
                            id.span(),
                            format!("unknown argument `{other}`: expected a name (\"orders.v1\"), `payload = \"table.column\"`, `produces` or `consumes`"),
                        ))
                    }
                }
            }
            if !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
        }
        if !named {
            return Err(syn::Error::new(
                Span::call_site(),
                "expected the contract's name: `#[event(\"orders.v1\")]` or `#[event(payload = \"table.column\")]`",
            ));
        }
        let both = !produces && !consumes;
        Ok(Args { produces: produces || both, consumes: consumes || both })
    }
}

pub fn event(args: TokenStream, item: TokenStream) -> TokenStream {
    match check(args, item.clone()) {
        Ok(()) => item,
        Err(e) => {
            let mut out = e.to_compile_error();
            out.extend(item);
            out
        }
    }
}

fn check(args: TokenStream, item: TokenStream) -> syn::Result<()> {
    let args: Args = syn::parse2(args)?;
    let input: syn::DeriveInput = syn::parse2(item)?;
    if let syn::Data::Union(u) = &input.data {
        return Err(syn::Error::new(u.union_token.span, "an event is a struct or an enum: serde does not derive unions"));
    }
    let mut derives = Vec::new();
    for a in input.attrs.iter().filter(|a| a.path().is_ident("derive")) {
        a.parse_nested_meta(|m| {
            if let Some(s) = m.path.segments.last() {
                derives.push(s.ident.to_string());
            }
            Ok(())
        })?;
    }
    let needs = [(args.produces, "Serialize", "produced"), (args.consumes, "Deserialize", "consumed")];
    let missing: Vec<_> = needs.iter().filter(|(on, d, _)| *on && !derives.iter().any(|x| x == d)).collect();
    if !missing.is_empty() {
        let what: Vec<String> = missing.iter().map(|(_, d, why)| format!("`{d}` (it is {why})")).collect();
        let add: Vec<String> = missing.iter().map(|(_, d, _)| format!("serde::{d}")).collect();
        return Err(syn::Error::new_spanned(
            input.ident.to_token_stream(),
            format!(
                "`{}` must derive {}: migsafe reads an event's wire shape from serde's derive; add `#[derive({})]` below this attribute (a derive above it is not visible to it), or say `produces` / `consumes`",
                input.ident,
                what.join(" and "),
                add.join(", ")
            ),
        ));
    }
    Ok(())
}
