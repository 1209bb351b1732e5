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
pub use read::{read_crate, read_crate_and_gaps, Unread};
pub use shape::{At, Contract, ContractKind, Kind};
