pub mod catalog;
pub mod search;
