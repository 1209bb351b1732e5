//! Finding a revision's contracts in its Rust files: every type marked
//! `#[migsafe::event("name")]` (or `migsafe_runtime::event`, or `event`
//! imported from them) or `#[migsafe(payload = "table.column")]`, with the
//! same-crate types below it, each read by [`super::serde_attr`].

use super::serde_attr::{enum_def, struct_def, Kinds};
use super::shape::{At, Body, Contract, ContractKind, Fields, Kind, StructShape, TypeDef};
use crate::sources::attrs::{expand_enum, expand_struct};
use crate::sources::is_test_path;
use std::collections::{BTreeMap, HashMap, HashSet};
use syn::visit::Visit;

/// A crate's struct or enum, with its file.
#[derive(Clone)]
enum Item {
    Struct(syn::ItemStruct),
    Enum(syn::ItemEnum),
}

/// The crate's types by name (the first of a name wins; a second is noted).
#[derive(Default)]
struct Index {
    items: HashMap<String, (String, Item)>,
    /// Type parameters of the item being read (their form is unknown).
    generics: HashSet<String>,
    /// Names two items of the crate have: which one a field means is not known.
    ambiguous: HashSet<String>,
    /// How deep `flatten` is nested now (a struct that flattens itself stops).
    flatten_depth: std::cell::Cell<u8>,
}

impl Index {
    fn add(&mut self, name: String, file: &str, item: Item) {
        match self.items.entry(name) {
            std::collections::hash_map::Entry::Occupied(o) => {
                self.ambiguous.insert(o.key().clone());
            }
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert((file.to_string(), item));
            }
        }
    }
}

/// A root: the annotation on a type.
struct Root {
    name: String,
    kind: ContractKind,
    produces: bool,
    consumes: bool,
    ty: String,
    at: At,
}

/// Read every contract of a crate from its files (`(path, text)`); test,
/// bench and example files are not the service's and are skipped.
pub fn read_crate(files: &[(String, String)]) -> Vec<Contract> {
    read_crate_and_gaps(files).0
}

/// A file that may declare a contract (it names migsafe and an event or a
/// payload) and that was not read: where, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unread {
    pub file: String,
    pub line: u32,
    pub reason: String,
}

/// [`read_crate`], and the files that may declare a contract but could not
/// be read (they do not parse, or nest deeper than
/// [`crate::sources::MAX_NESTING`]): what a caller must report as unseen
/// where nothing else reads those files.
///
/// Runs on a deep stack, as the sources' scan does: syn's parser recurses
/// once per nesting level.
pub fn read_crate_and_gaps(files: &[(String, String)]) -> (Vec<Contract>, Vec<Unread>) {
    // Every form names migsafe in its file (`migsafe_runtime::event`, `use migsafe_runtime::event`,
    // `#[migsafe(payload …)]`): a crate without one is not parsed a second time.
    if !files.iter().any(|(p, t)| !is_test_path(p) && marks(t)) {
        return (Vec::new(), Vec::new());
    }
    crate::sources::on_deep_stack(|| read_crate_here(files))
}

fn marks(text: &str) -> bool {
    text.contains("migsafe") && (text.contains("event") || text.contains("payload"))
}

fn read_crate_here(files: &[(String, String)]) -> (Vec<Contract>, Vec<Unread>) {
    let mut index = Index::default();
    let mut roots = Vec::new();
    let mut unread = Vec::new();
    for (path, text) in files.iter().filter(|(p, _)| !is_test_path(p)) {
        let max = crate::sources::MAX_NESTING;
        if let Some(line) = crate::sources::attrs::nesting_beyond(text, max) {
            if marks(text) {
                unread.push(Unread {
                    file: path.clone(),
                    line: line as u32,
                    reason: format!("its brackets nest deeper than {max} levels here, and migsafe does not read so deep"),
                });
            }
            continue;
        }
        let file = match syn::parse_file(text) {
            Ok(file) => file,
            Err(e) => {
                if marks(text) {
                    unread.push(Unread {
                        file: path.clone(),
                        line: e.span().start().line as u32,
                        reason: format!("migsafe's Rust parser cannot read this file ({e})"),
                    });
                }
                continue;
            }
        };
        let imports_event = text.contains("migsafe");
        let mut v = Collect { path, index: &mut index, roots: &mut roots, imports_event };
        v.visit_file(&file);
    }
    (roots.into_iter().map(|r| contract(&mut index, r)).collect(), unread)
}

struct Collect<'a> {
    path: &'a str,
    index: &'a mut Index,
    roots: &'a mut Vec<Root>,
    imports_event: bool,
}

impl Collect<'_> {
    fn root(&mut self, attrs: &[syn::Attribute], ident: &syn::Ident) {
        for a in attrs {
            if let Some(r) = root_of(a, self.imports_event) {
                let (name, kind, produces, consumes) = r;
                let at = At { file: self.path.to_string(), line: ident.span().start().line as u32, item: ident.to_string() };
                self.roots.push(Root { name, kind, produces, consumes, ty: ident.to_string(), at });
            }
        }
    }
}

impl<'ast> Visit<'ast> for Collect<'_> {
    fn visit_item_struct(&mut self, i: &'ast syn::ItemStruct) {
        let mut s = i.clone();
        expand_struct(&mut s.attrs, &mut s.fields);
        self.root(&s.attrs, &s.ident);
        self.index.add(s.ident.to_string(), self.path, Item::Struct(s));
    }
    fn visit_item_enum(&mut self, i: &'ast syn::ItemEnum) {
        let mut e = i.clone();
        expand_enum(&mut e.attrs, &mut e.variants);
        self.root(&e.attrs, &e.ident);
        self.index.add(e.ident.to_string(), self.path, Item::Enum(e));
    }
    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        // `#[cfg(test)] mod tests { … }` is not the service's.
        if m.attrs.iter().any(|a| a.path().is_ident("cfg") && a.meta.require_list().is_ok_and(|l| l.tokens.to_string() == "test")) {
            return;
        }
        syn::visit::visit_item_mod(self, m);
    }
    fn visit_item_fn(&mut self, _: &'ast syn::ItemFn) {}
}

/// `(name, kind, produces, consumes)` of a contract attribute.
fn root_of(a: &syn::Attribute, imports_event: bool) -> Option<(String, ContractKind, bool, bool)> {
    let segs: Vec<String> = a.path().segments.iter().map(|s| s.ident.to_string()).collect();
    let is_event = match segs.as_slice() {
        [e] => e == "event" && imports_event,
        [c, e] => e == "event" && (c == "migsafe" || c == "migsafe_runtime"),
        _ => false,
    };
    if is_event {
        let (mut name, mut produces, mut consumes, mut kind) = (None, false, false, ContractKind::Event);
        let _ = a.parse_args_with(|input: syn::parse::ParseStream| {
            while !input.is_empty() {
                if input.peek(syn::LitStr) {
                    name = Some(input.parse::<syn::LitStr>()?.value());
                } else {
                    let id: syn::Ident = input.parse()?;
                    if id == "produces" {
                        produces = true;
                    } else if id == "consumes" {
                        consumes = true;
                    } else if id == "payload" || id == "name" {
                        if id == "payload" {
                            kind = ContractKind::Payload;
                        }
                        input.parse::<syn::Token![=]>()?;
                        name = Some(input.parse::<syn::LitStr>()?.value());
                    }
                }
                if !input.is_empty() {
                    input.parse::<syn::Token![,]>()?;
                }
            }
            Ok(())
        });
        // Rows outlive both releases: a payload is written and read by each.
        let both = (!produces && !consumes) || kind == ContractKind::Payload;
        return name.map(|n| (n, kind, produces || both, consumes || both));
    }
    if a.path().is_ident("migsafe") {
        let mut payload = None;
        let _ = a.parse_nested_meta(|m| {
            if m.path.is_ident("payload") {
                payload = Some(m.value()?.parse::<syn::LitStr>()?.value());
            } else if m.input.peek(syn::Token![=]) {
                let _: syn::Expr = m.value()?.parse()?;
            }
            Ok(())
        });
        // Rows outlive both releases: a payload is written and read by each.
        return payload.map(|p| (p, ContractKind::Payload, true, true));
    }
    None
}

/// The contract of `root`: its type and every crate type reachable from it.
fn contract(index: &mut Index, root: Root) -> Contract {
    let mut types = BTreeMap::new();
    let mut queue = vec![root.ty.clone()];
    while let Some(name) = queue.pop() {
        if types.contains_key(&name) {
            continue;
        }
        let def = type_def(index, &name);
        let mut named = Vec::new();
        match &def.body {
            Body::Struct(s) => shape_names(s, &mut named),
            Body::Enum(e) => e.variants.iter().for_each(|v| shape_names(&v.data, &mut named)),
            Body::Unseen(_) => {}
        }
        queue.extend(named);
        types.insert(name, def);
    }
    Contract { name: root.name, kind: root.kind, produces: root.produces, consumes: root.consumes, root: root.ty, at: root.at, types }
}

fn shape_names(s: &StructShape, out: &mut Vec<String>) {
    match s {
        StructShape::Fields(f) => f.fields.iter().for_each(|f| kind_names(&f.kind, out)),
        StructShape::Newtype(k) => kind_names(k, out),
        StructShape::Tuple(ks) => ks.iter().for_each(|k| kind_names(k, out)),
        StructShape::Unit => {}
    }
}

fn kind_names(k: &Kind, out: &mut Vec<String>) {
    match k {
        Kind::Named(n) => out.push(n.clone()),
        Kind::Option(k) | Kind::Seq(k) => kind_names(k, out),
        Kind::Map(a, b) => {
            kind_names(a, out);
            kind_names(b, out);
        }
        Kind::Tuple(ks) => ks.iter().for_each(|k| kind_names(k, out)),
        _ => {}
    }
}

fn type_def(index: &mut Index, name: &str) -> TypeDef {
    if index.ambiguous.contains(name) {
        let at = index.items.get(name).map_or_else(
            || At { file: String::new(), line: 0, item: name.to_string() },
            |(file, _)| At { file: file.clone(), line: 0, item: name.to_string() },
        );
        let why = format!("the crate has several types named `{name}`, and migsafe does not resolve which one a field means");
        return TypeDef { name: name.to_string(), at, body: Body::Unseen(why) };
    }
    // A clone: the item stays in the index, so a type that holds itself (`Vec<Tree>`) names itself.
    let Some((file, item)) = index.items.get(name).cloned() else {
        let at = At { file: String::new(), line: 0, item: name.to_string() };
        return TypeDef { name: name.to_string(), at, body: Body::Unseen("not found in the crate".into()) };
    };
    let generics = match &item {
        Item::Struct(s) => &s.generics,
        Item::Enum(e) => &e.generics,
    };
    index.generics = generics.type_params().map(|p| p.ident.to_string()).collect();
    match &item {
        Item::Struct(s) => struct_def(s, &file, &*index),
        Item::Enum(e) => enum_def(e, &file, &*index),
    }
}

impl Kinds for Index {
    fn kind(&self, ty: &syn::Type) -> Kind {
        kind_of(self, ty)
    }
    fn flattened(&self, name: &str) -> Result<Fields, String> {
        if self.ambiguous.contains(name) {
            return Err(format!("the crate has several types named `{name}`"));
        }
        let depth = self.flatten_depth.get();
        if depth >= 16 {
            return Err("flattened more than 16 levels deep (a type that flattens itself?)".into());
        }
        self.flatten_depth.set(depth + 1);
        let out = self.flattened_here(name);
        self.flatten_depth.set(depth);
        out
    }
}

impl Index {
    fn flattened_here(&self, name: &str) -> Result<Fields, String> {
        match self.items.get(name) {
            Some((file, Item::Struct(s))) => match struct_def(s, file, self).body {
                Body::Struct(StructShape::Fields(f)) => Ok(f),
                Body::Unseen(why) => Err(why),
                _ => Err("it has no named fields".into()),
            },
            Some(_) => Err("it is an enum, which migsafe does not flatten".into()),
            None => Err("it is not a type of this crate".into()),
        }
    }
}

/// Types of other crates whose JSON form is fixed by their crate.
const KNOWN: &[&str] = &[
    "Uuid",
    "DateTime",
    "NaiveDate",
    "NaiveDateTime",
    "NaiveTime",
    "Decimal",
    "BigDecimal",
    "Url",
    "OffsetDateTime",
    "PrimitiveDateTime",
    "IpAddr",
    "Ipv4Addr",
    "Ipv6Addr",
    "SocketAddr",
    "PathBuf",
    "SystemTime",
    "Duration",
];

fn kind_of(index: &Index, ty: &syn::Type) -> Kind {
    use syn::Type;
    let unseen = |why: &str| Kind::Unseen { ty: quote::ToTokens::to_token_stream(ty).to_string(), why: why.to_string() };
    match ty {
        Type::Reference(r) => kind_of(index, &r.elem),
        Type::Paren(p) => kind_of(index, &p.elem),
        Type::Group(g) => kind_of(index, &g.elem),
        Type::Slice(s) => Kind::Seq(Box::new(kind_of(index, &s.elem))),
        Type::Array(a) => Kind::Seq(Box::new(kind_of(index, &a.elem))),
        Type::Tuple(t) if t.elems.is_empty() => Kind::Unit,
        Type::Tuple(t) => Kind::Tuple(t.elems.iter().map(|e| kind_of(index, e)).collect()),
        Type::Path(p) if p.qself.is_none() => {
            let Some(last) = p.path.segments.last() else { return unseen("an empty path") };
            let id = last.ident.to_string();
            let args: Vec<&syn::Type> = match &last.arguments {
                syn::PathArguments::AngleBracketed(a) => a
                    .args
                    .iter()
                    .filter_map(|g| match g {
                        syn::GenericArgument::Type(t) => Some(t),
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            };
            let arg = |n: usize| args.get(n).map_or(Kind::Unseen { ty: id.clone(), why: "a type argument is missing".into() }, |t| kind_of(index, t));
            if p.path.segments.len() == 1 && index.generics.contains(&id) {
                return unseen("a generic parameter: its form depends on the type it is used with");
            }
            match id.as_str() {
                "bool" => Kind::Bool,
                "i8" | "i16" | "i32" | "i64" | "i128" | "isize" | "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => {
                    let bits = id[1..].parse().unwrap_or(64);
                    Kind::Int { signed: id.starts_with('i'), bits }
                }
                "f32" | "f64" => Kind::Float,
                "String" | "str" => Kind::String,
                "char" => Kind::Char,
                "Option" => Kind::Option(Box::new(arg(0))),
                "Vec" | "VecDeque" | "LinkedList" | "HashSet" | "BTreeSet" | "IndexSet" | "SmallVec" | "BinaryHeap" => Kind::Seq(Box::new(arg(0))),
                "HashMap" | "BTreeMap" | "IndexMap" => Kind::Map(Box::new(arg(0)), Box::new(arg(1))),
                "Box" | "Rc" | "Arc" | "Cell" | "RefCell" | "Mutex" | "RwLock" | "Json" | "Jsonb" => arg(0),
                "Cow" => args.first().map_or(Kind::String, |t| kind_of(index, t)),
                _ if index.items.contains_key(&id) => Kind::Named(id),
                "Value" | "RawValue" if p.path.segments.len() == 1 || p.path.segments.iter().any(|s| s.ident == "serde_json") => Kind::Any,
                "Map" if p.path.segments.iter().any(|s| s.ident == "serde_json") => Kind::Map(Box::new(Kind::String), Box::new(Kind::Any)),
                k if KNOWN.contains(&k) => Kind::Known(id),
                _ => unseen("a type from another crate, or one a macro generates, whose serde form migsafe cannot see"),
            }
        }
        _ => unseen("a type migsafe does not model"),
    }
}

#[cfg(test)]
#[path = "read_tests.rs"]
mod tests;
