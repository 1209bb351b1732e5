//! API key authentication for the public REST API.
pub mod keys;
