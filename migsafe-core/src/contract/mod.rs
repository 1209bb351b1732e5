//! Event payloads and JSON columns that N-1 and N must both read: the
//! serde wire shape of each type a revision declares as a contract
//! (`#[migsafe::event("…")]`, `#[migsafe(payload = "table.column")]`),
//! read with syn ([`read`]), and whether each revision reads what the other
//! writes ([`compat`]). The `contract-*` rules report the issues.

pub mod compat;
pub(crate) mod findings;
pub mod read;
mod serde_attr;
pub mod shape;

pub use compat::{issues, Direction, Issue, IssueKind};
pub use read::read_crate;

/// How many distinct types of a revision's contracts migsafe cannot read
/// (counted as unseen in the report's coverage).
pub fn unseen_types(contracts: &[Contract]) -> usize {
    fn kind(k: &Kind, out: &mut std::collections::BTreeSet<String>) {
        match k {
            Kind::Unseen { ty, .. } => {
                out.insert(ty.clone());
            }
            Kind::Option(k) | Kind::Seq(k) => kind(k, out),
            Kind::Map(a, b) => {
                kind(a, out);
                kind(b, out);
            }
            Kind::Tuple(ks) => ks.iter().for_each(|k| kind(k, out)),
            _ => {}
        }
    }
    fn shape(s: &shape::StructShape, out: &mut std::collections::BTreeSet<String>) {
        match s {
            shape::StructShape::Fields(f) => f.fields.iter().for_each(|f| kind(&f.kind, out)),
            shape::StructShape::Newtype(k) => kind(k, out),
            shape::StructShape::Tuple(ks) => ks.iter().for_each(|k| kind(k, out)),
            shape::StructShape::Unit => {}
        }
    }
    let mut out = std::collections::BTreeSet::new();
    for t in contracts.iter().flat_map(|c| c.types.values()) {
        match &t.body {
            shape::Body::Unseen(_) => {
                out.insert(t.name.clone());
            }
            shape::Body::Struct(s) => shape(s, &mut out),
            shape::Body::Enum(e) => e.variants.iter().for_each(|v| shape(&v.data, &mut out)),
        }
    }
    out.len()
}
pub use shape::{At, Contract, ContractKind, Kind};
