//! serde's attributes on one struct or enum, read with syn, and the wire
//! shape they give it ([`type_def`]): names after `rename` / `rename_all` /
//! `alias`, `default`, `skip*`, `flatten`, `deny_unknown_fields`, the enum
//! representation and `#[serde(other)]`.

use super::shape::{At, Body, EnumShape, Field, Fields, Kind, RenameRule, Repr, StructShape, TypeDef, Variant};
use syn::{Attribute, LitStr};

/// What one item's or field's `#[serde(...)]` attributes say.
#[derive(Default, Debug)]
pub(super) struct SerdeAttrs {
    pub rename_ser: Option<String>,
    pub rename_de: Option<String>,
    pub rename_all_ser: Option<RenameRule>,
    pub rename_all_de: Option<RenameRule>,
    pub rename_all_fields_ser: Option<RenameRule>,
    pub rename_all_fields_de: Option<RenameRule>,
    pub aliases: Vec<String>,
    pub default: bool,
    pub skip_ser: bool,
    pub skip_de: bool,
    pub skip_ser_if: bool,
    pub flatten: bool,
    pub deny_unknown: bool,
    pub transparent: bool,
    pub tag: Option<String>,
    pub content: Option<String>,
    pub untagged: bool,
    pub other: bool,
    /// Why serde's derived shape is not the wire shape (`with`, `from`, …).
    pub custom: Option<String>,
    /// An attribute migsafe does not read, with its line.
    pub unreadable: Option<String>,
}

fn rule(s: &LitStr) -> Result<RenameRule, String> {
    RenameRule::parse(&s.value()).ok_or_else(|| format!("unknown rename rule `{}`", s.value()))
}

pub(super) fn read(attrs: &[Attribute]) -> SerdeAttrs {
    let mut a = SerdeAttrs::default();
    for attr in attrs.iter().filter(|x| x.path().is_ident("serde")) {
        let res = attr.parse_nested_meta(|m| {
            let key = m.path.get_ident().map(|i| i.to_string()).unwrap_or_default();
            // `rename = "x"` or `rename(serialize = "x", deserialize = "y")`: (ser, de).
            let both = |m: &syn::meta::ParseNestedMeta| -> syn::Result<(Option<LitStr>, Option<LitStr>)> {
                if m.input.peek(syn::Token![=]) {
                    let s: LitStr = m.value()?.parse()?;
                    return Ok((Some(s.clone()), Some(s)));
                }
                let (mut ser, mut de) = (None, None);
                m.parse_nested_meta(|n| {
                    let v: LitStr = n.value()?.parse()?;
                    if n.path.is_ident("serialize") {
                        ser = Some(v);
                    } else if n.path.is_ident("deserialize") {
                        de = Some(v);
                    }
                    Ok(())
                })?;
                Ok((ser, de))
            };
            match key.as_str() {
                "rename" => {
                    let (s, d) = both(&m)?;
                    a.rename_ser = s.map(|s| s.value()).or(a.rename_ser.take());
                    a.rename_de = d.map(|s| s.value()).or(a.rename_de.take());
                }
                "rename_all" | "rename_all_fields" => {
                    let (s, d) = both(&m)?;
                    let s = s.map(|s| rule(&s)).transpose().map_err(|e| m.error(e))?;
                    let d = d.map(|s| rule(&s)).transpose().map_err(|e| m.error(e))?;
                    if key == "rename_all" {
                        (a.rename_all_ser, a.rename_all_de) = (s.or(a.rename_all_ser), d.or(a.rename_all_de));
                    } else {
                        (a.rename_all_fields_ser, a.rename_all_fields_de) = (s.or(a.rename_all_fields_ser), d.or(a.rename_all_fields_de));
                    }
                }
                "alias" => a.aliases.push(m.value()?.parse::<LitStr>()?.value()),
                "default" => {
                    if m.input.peek(syn::Token![=]) {
                        let _: LitStr = m.value()?.parse()?;
                    }
                    a.default = true;
                }
                "skip" => (a.skip_ser, a.skip_de) = (true, true),
                "skip_serializing" => a.skip_ser = true,
                "skip_deserializing" => a.skip_de = true,
                "skip_serializing_if" => {
                    let _: LitStr = m.value()?.parse()?;
                    a.skip_ser_if = true;
                }
                "flatten" => a.flatten = true,
                "deny_unknown_fields" => a.deny_unknown = true,
                "transparent" => a.transparent = true,
                "tag" => a.tag = Some(m.value()?.parse::<LitStr>()?.value()),
                "content" => a.content = Some(m.value()?.parse::<LitStr>()?.value()),
                "untagged" => a.untagged = true,
                "other" => a.other = true,
                "with" | "serialize_with" | "deserialize_with" | "from" | "try_from" | "into" | "remote" => {
                    let v: LitStr = m.value()?.parse()?;
                    a.custom = Some(format!("`#[serde({key} = \"{}\")]` replaces serde's derived form with code migsafe does not read", v.value()));
                }
                _ => {
                    // `bound`, `borrow`, `crate`, `getter`, `expecting`, `variant_identifier`, …: no effect on the JSON form.
                    if m.input.peek(syn::Token![=]) {
                        let _: syn::Expr = m.value()?.parse()?;
                    } else if m.input.peek(syn::token::Paren) {
                        let _ = m.parse_nested_meta(|n| {
                            if n.input.peek(syn::Token![=]) {
                                let _: syn::Expr = n.value()?.parse()?;
                            }
                            Ok(())
                        });
                    }
                }
            }
            Ok(())
        });
        if let Err(e) = res {
            a.unreadable = Some(format!("`#[serde(...)]` at line {} does not read: {e}", e.span().start().line));
        }
    }
    a
}

/// The derives of an item (`Serialize`, `Deserialize`, …), by last path segment.
pub(super) fn derives(attrs: &[Attribute]) -> Vec<String> {
    let mut out = Vec::new();
    for a in attrs.iter().filter(|a| a.path().is_ident("derive")) {
        let _ = a.parse_nested_meta(|m| {
            if let Some(s) = m.path.segments.last() {
                out.push(s.ident.to_string());
            }
            Ok(())
        });
    }
    out
}

/// Strip `r#` as serde does.
fn unraw(i: &syn::Ident) -> String {
    let s = i.to_string();
    s.strip_prefix("r#").map(str::to_string).unwrap_or(s)
}

/// What a type's fields resolve to: the kind of a field's type, given the
/// crate's types (see [`super::read`]).
pub(super) trait Kinds {
    fn kind(&self, ty: &syn::Type) -> Kind;
    /// The named fields of crate struct `name`, for `flatten` (`Err`: why not).
    fn flattened(&self, name: &str) -> Result<Fields, String>;
}

/// Field rename rules from the container.
#[derive(Clone, Copy, Default)]
struct Rules {
    ser: Option<RenameRule>,
    de: Option<RenameRule>,
    /// The container's `#[serde(default)]`.
    default: bool,
}

fn named_fields(fields: &syn::FieldsNamed, rules: Rules, deny_unknown: bool, kinds: &dyn Kinds) -> Result<Fields, String> {
    let mut out = Fields { deny_unknown, ..Fields::default() };
    for f in &fields.named {
        let a = read(&f.attrs);
        if let Some(why) = a.unreadable.or(a.custom) {
            return Err(format!("field `{}`: {why}", f.ident.as_ref().map(unraw).unwrap_or_default()));
        }
        let rust = f.ident.as_ref().map(unraw).unwrap_or_default();
        let kind = kinds.kind(&f.ty);
        if a.flatten {
            match &kind {
                Kind::Map(..) | Kind::Any => out.takes_unknown = true,
                Kind::Named(n) => {
                    let inner = kinds.flattened(n).map_err(|why| format!("field `{rust}` flattens `{n}`: {why}"))?;
                    out.takes_unknown |= inner.takes_unknown;
                    out.fields.extend(inner.fields.into_iter().map(|mut g| {
                        g.rust = format!("{rust}.{}", g.rust);
                        g.writes = if a.skip_ser { None } else { g.writes };
                        g
                    }));
                }
                k => return Err(format!("field `{rust}` flattens {}, which migsafe does not model", k.describe())),
            }
            continue;
        }
        let writes = (!a.skip_ser).then(|| a.rename_ser.clone().unwrap_or_else(|| rules.ser.map_or(rust.clone(), |r| r.field(&rust))));
        let mut reads = Vec::new();
        if !a.skip_de {
            reads.push(a.rename_de.clone().unwrap_or_else(|| rules.de.map_or(rust.clone(), |r| r.field(&rust))));
            reads.extend(a.aliases.iter().cloned());
        }
        let optional = a.default || rules.default || a.skip_de || matches!(kind, Kind::Option(_));
        let line = f.ident.as_ref().map_or(0, |i| i.span().start().line as u32);
        out.fields.push(Field { rust, writes, reads, may_omit: a.skip_ser_if, optional, kind, line });
    }
    Ok(out)
}

fn shape(fields: &syn::Fields, rules: Rules, deny_unknown: bool, transparent: bool, kinds: &dyn Kinds) -> Result<StructShape, String> {
    match fields {
        syn::Fields::Named(n) if transparent => {
            let kept: Vec<_> = n.named.iter().filter(|f| !read(&f.attrs).skip_ser).collect();
            match kept.as_slice() {
                [f] => Ok(StructShape::Newtype(kinds.kind(&f.ty))),
                _ => Err("`transparent` without exactly one field".into()),
            }
        }
        syn::Fields::Named(n) => Ok(StructShape::Fields(named_fields(n, rules, deny_unknown, kinds)?)),
        syn::Fields::Unnamed(u) => {
            for f in &u.unnamed {
                let a = read(&f.attrs);
                if let Some(why) = a.unreadable.or(a.custom) {
                    return Err(why);
                }
            }
            let ks: Vec<Kind> = u.unnamed.iter().filter(|f| !read(&f.attrs).skip_ser).map(|f| kinds.kind(&f.ty)).collect();
            Ok(match (u.unnamed.len(), ks.len()) {
                (1, 1) => StructShape::Newtype(ks.into_iter().next().unwrap_or(Kind::Unit)),
                _ => StructShape::Tuple(ks),
            })
        }
        syn::Fields::Unit => Ok(StructShape::Unit),
    }
}

/// Why an item's serde form is not one migsafe can derive from its code, if it is not.
fn not_derived(attrs: &[Attribute], a: &SerdeAttrs, generics: &syn::Generics) -> Option<String> {
    let d = derives(attrs);
    if !d.iter().any(|x| x == "Serialize" || x == "Deserialize") {
        return Some("it does not derive `Serialize` / `Deserialize`: its serde form is hand-written code migsafe does not read".into());
    }
    if generics.type_params().next().is_some() {
        return Some("it is generic: its form depends on the type it is used with".into());
    }
    a.unreadable.clone().or(a.custom.clone())
}

/// The wire shape of a struct.
pub(super) fn struct_def(s: &syn::ItemStruct, file: &str, kinds: &dyn Kinds) -> TypeDef {
    let a = read(&s.attrs);
    let name = s.ident.to_string();
    let at = At { file: file.to_string(), line: s.ident.span().start().line as u32, item: name.clone() };
    let body = match not_derived(&s.attrs, &a, &s.generics) {
        Some(why) => Body::Unseen(why),
        None => {
            let rules = Rules { ser: a.rename_all_ser, de: a.rename_all_de, default: a.default };
            match shape(&s.fields, rules, a.deny_unknown, a.transparent, kinds) {
                Ok(sh) => Body::Struct(sh),
                Err(why) => Body::Unseen(why),
            }
        }
    };
    TypeDef { name, at, body }
}

/// The wire shape of an enum.
pub(super) fn enum_def(e: &syn::ItemEnum, file: &str, kinds: &dyn Kinds) -> TypeDef {
    let a = read(&e.attrs);
    let name = e.ident.to_string();
    let at = At { file: file.to_string(), line: e.ident.span().start().line as u32, item: name.clone() };
    let body = match not_derived(&e.attrs, &a, &e.generics) {
        Some(why) => Body::Unseen(why),
        None => match variants(e, &a, kinds) {
            Ok(v) => Body::Enum(v),
            Err(why) => Body::Unseen(why),
        },
    };
    TypeDef { name, at, body }
}

fn variants(e: &syn::ItemEnum, a: &SerdeAttrs, kinds: &dyn Kinds) -> Result<EnumShape, String> {
    let repr = match (a.untagged, &a.tag, &a.content) {
        (true, _, _) => Repr::Untagged,
        (false, Some(t), Some(c)) => Repr::Adjacent { tag: t.clone(), content: c.clone() },
        (false, Some(t), None) => Repr::Internal { tag: t.clone() },
        (false, None, Some(_)) => return Err("`content` without `tag`".into()),
        (false, None, None) => Repr::External,
    };
    let mut out = Vec::new();
    for v in &e.variants {
        let va = read(&v.attrs);
        if let Some(why) = va.unreadable.clone().or(va.custom.clone()) {
            return Err(format!("variant `{}`: {why}", v.ident));
        }
        if va.untagged {
            return Err(format!("variant `{}` is `#[serde(untagged)]`, which migsafe does not model", v.ident));
        }
        let rust = unraw(&v.ident);
        let writes = (!va.skip_ser).then(|| va.rename_ser.clone().unwrap_or_else(|| a.rename_all_ser.map_or(rust.clone(), |r| r.variant(&rust))));
        let mut reads = Vec::new();
        if !va.skip_de {
            reads.push(va.rename_de.clone().unwrap_or_else(|| a.rename_all_de.map_or(rust.clone(), |r| r.variant(&rust))));
            reads.extend(va.aliases.iter().cloned());
        }
        let rules = Rules { ser: va.rename_all_ser.or(a.rename_all_fields_ser), de: va.rename_all_de.or(a.rename_all_fields_de), default: false };
        let data = shape(&v.fields, rules, a.deny_unknown, false, kinds).map_err(|why| format!("variant `{rust}`: {why}"))?;
        out.push(Variant { rust, writes, reads, other: va.other, data, line: v.ident.span().start().line as u32 });
    }
    Ok(EnumShape { repr, variants: out })
}
