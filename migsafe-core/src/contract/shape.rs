//! The wire shape serde gives a type, as data: fields and variants with the
//! names serde writes and the names it reads, what may be missing, and the
//! kind of each value. Built by [`super::read`], compared by [`super::compat`].

use serde::Serialize;
use std::collections::BTreeMap;

/// Where something is declared.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct At {
    pub file: String,
    pub line: u32,
    /// The Rust item (`OrderPlaced`, `OrderPlaced.total`).
    pub item: String,
}

/// How a revision declares a contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ContractKind {
    /// `#[migsafe::event("orders.v1")]`: messages on a topic.
    Event,
    /// `#[migsafe(payload = "orders.details")]`: a JSON column's values.
    Payload,
}

/// One type declared as a contract, with the same-crate types below it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contract {
    /// The topic or contract name, or `table.column` for a payload.
    pub name: String,
    pub kind: ContractKind,
    /// This revision serializes it.
    pub produces: bool,
    /// This revision deserializes it.
    pub consumes: bool,
    /// The annotated type's Rust name.
    pub root: String,
    pub at: At,
    /// Every type reachable from the root, by Rust name.
    pub types: BTreeMap<String, TypeDef>,
}

/// A type of the contract's graph.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TypeDef {
    pub name: String,
    pub at: At,
    pub body: Body,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Body {
    Struct(StructShape),
    Enum(EnumShape),
    /// A type whose wire shape migsafe cannot read (custom `Serialize`,
    /// `from` / `into` conversions, generics): never assumed compatible.
    Unseen(String),
}

/// A struct's JSON form.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum StructShape {
    /// `{ "field": … }`.
    Fields(Fields),
    /// A newtype struct (or `#[serde(transparent)]`): the inner value.
    Newtype(Kind),
    /// `[a, b]`.
    Tuple(Vec<Kind>),
    /// `null`.
    Unit,
}

/// Named fields with the container's settings that apply to them.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Fields {
    pub fields: Vec<Field>,
    /// `#[serde(deny_unknown_fields)]`: a field it does not know is an error.
    pub deny_unknown: bool,
    /// A `#[serde(flatten)]` map or value takes every field it does not know.
    pub takes_unknown: bool,
}

/// One field as serde writes and reads it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Field {
    pub rust: String,
    /// The name serialization writes (`None`: `skip` / `skip_serializing`).
    pub writes: Option<String>,
    /// The names deserialization accepts (name and aliases; empty: `skip` / `skip_deserializing`).
    pub reads: Vec<String>,
    /// `skip_serializing_if`: serialization may leave it out.
    pub may_omit: bool,
    /// Deserialization does without it (`Option`, `default`, a container `default`).
    pub optional: bool,
    pub kind: Kind,
    pub line: u32,
}

/// How an enum is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Repr {
    /// `{"Variant": content}` or `"Variant"`.
    External,
    /// `{"<tag>": "Variant", …fields}`.
    Internal { tag: String },
    /// `{"<tag>": "Variant", "<content>": content}`.
    Adjacent { tag: String, content: String },
    /// The content alone; the reader tries each variant in turn.
    Untagged,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EnumShape {
    pub repr: Repr,
    pub variants: Vec<Variant>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Variant {
    pub rust: String,
    pub writes: Option<String>,
    pub reads: Vec<String>,
    /// `#[serde(other)]`: read for any tag no other variant has.
    pub other: bool,
    pub data: StructShape,
    pub line: u32,
}

/// The kind of a value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Kind {
    Bool,
    /// An integer: signed or not, and its width in bits (128 for i128/u128, 64 for isize/usize).
    Int {
        signed: bool,
        bits: u8,
    },
    Float,
    String,
    Char,
    Unit,
    /// `Option<T>`: may be `null`.
    Option(Box<Kind>),
    Seq(Box<Kind>),
    /// A tuple or fixed-size array written as a JSON array of these.
    Tuple(Vec<Kind>),
    Map(Box<Kind>, Box<Kind>),
    /// A type of the crate (in [`Contract::types`]).
    Named(String),
    /// `serde_json::Value` and the like: any JSON.
    Any,
    /// A well-known type of another crate whose JSON form is fixed (`Uuid`,
    /// `DateTime`, `Decimal`): equal only to itself.
    Known(String),
    /// A type migsafe cannot see (another crate's, a macro's, a generic
    /// parameter), with why.
    Unseen {
        ty: String,
        why: String,
    },
}

impl Kind {
    /// How a message says it.
    pub fn describe(&self) -> String {
        match self {
            Kind::Bool => "bool".into(),
            Kind::Int { signed, bits } => format!("{}{bits}", if *signed { "i" } else { "u" }),
            Kind::Float => "float".into(),
            Kind::String => "string".into(),
            Kind::Char => "char".into(),
            Kind::Unit => "unit".into(),
            Kind::Option(k) => format!("Option<{}>", k.describe()),
            Kind::Seq(k) => format!("sequence of {}", k.describe()),
            Kind::Tuple(ks) => format!("({})", ks.iter().map(Kind::describe).collect::<Vec<_>>().join(", ")),
            Kind::Map(k, v) => format!("map of {} to {}", k.describe(), v.describe()),
            Kind::Named(n) => format!("`{n}`"),
            Kind::Any => "any JSON value".into(),
            Kind::Known(n) => format!("`{n}`"),
            Kind::Unseen { ty, .. } => format!("`{ty}`"),
        }
    }
}

/// serde's `rename_all` rules, as serde_derive applies them (not heck: serde
/// puts `_` before every capital of a variant, so `HTTPError` is
/// `h_t_t_p_error` in snake_case where heck writes `http_error`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenameRule {
    Lower,
    Upper,
    Pascal,
    Camel,
    Snake,
    ScreamingSnake,
    Kebab,
    ScreamingKebab,
}

impl RenameRule {
    pub fn parse(s: &str) -> Option<RenameRule> {
        Some(match s {
            "lowercase" => RenameRule::Lower,
            "UPPERCASE" => RenameRule::Upper,
            "PascalCase" => RenameRule::Pascal,
            "camelCase" => RenameRule::Camel,
            "snake_case" => RenameRule::Snake,
            "SCREAMING_SNAKE_CASE" => RenameRule::ScreamingSnake,
            "kebab-case" => RenameRule::Kebab,
            "SCREAMING-KEBAB-CASE" => RenameRule::ScreamingKebab,
            _ => return None,
        })
    }

    /// A variant's name (a PascalCase identifier) under this rule.
    pub fn variant(self, v: &str) -> String {
        match self {
            RenameRule::Pascal => v.to_string(),
            RenameRule::Lower => v.to_ascii_lowercase(),
            RenameRule::Upper => v.to_ascii_uppercase(),
            RenameRule::Camel => lower_first(v),
            RenameRule::Snake => {
                let mut s = String::new();
                for (i, ch) in v.char_indices() {
                    if i > 0 && ch.is_uppercase() {
                        s.push('_');
                    }
                    s.push(ch.to_ascii_lowercase());
                }
                s
            }
            RenameRule::ScreamingSnake => RenameRule::Snake.variant(v).to_ascii_uppercase(),
            RenameRule::Kebab => RenameRule::Snake.variant(v).replace('_', "-"),
            RenameRule::ScreamingKebab => RenameRule::ScreamingSnake.variant(v).replace('_', "-"),
        }
    }

    /// A field's name (a snake_case identifier) under this rule.
    pub fn field(self, f: &str) -> String {
        match self {
            RenameRule::Lower | RenameRule::Snake => f.to_string(),
            RenameRule::Upper | RenameRule::ScreamingSnake => f.to_ascii_uppercase(),
            RenameRule::Pascal => {
                let mut s = String::new();
                let mut cap = true;
                for ch in f.chars() {
                    if ch == '_' {
                        cap = true;
                    } else if cap {
                        s.extend(ch.to_uppercase());
                        cap = false;
                    } else {
                        s.push(ch);
                    }
                }
                s
            }
            RenameRule::Camel => lower_first(&RenameRule::Pascal.field(f)),
            RenameRule::Kebab => f.replace('_', "-"),
            RenameRule::ScreamingKebab => f.to_ascii_uppercase().replace('_', "-"),
        }
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_ascii_lowercase().to_string() + c.as_str(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::RenameRule::*;

    #[test]
    fn rename_rules_follow_serde_derive() {
        assert_eq!(Snake.variant("HTTPError"), "h_t_t_p_error");
        assert_eq!(Kebab.variant("OrderPlaced"), "order-placed");
        assert_eq!(ScreamingSnake.variant("OrderPlaced"), "ORDER_PLACED");
        assert_eq!(Camel.variant("OrderPlaced"), "orderPlaced");
        assert_eq!(Lower.variant("OrderPlaced"), "orderplaced");
        assert_eq!(Camel.field("total_cents"), "totalCents");
        assert_eq!(Pascal.field("total_cents"), "TotalCents");
        assert_eq!(ScreamingKebab.field("total_cents"), "TOTAL-CENTS");
        assert_eq!(Snake.field("total_cents"), "total_cents");
    }
}
