//! Notes app: storage layer.
pub mod notes;
