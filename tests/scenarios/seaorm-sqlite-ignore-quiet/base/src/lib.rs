pub mod entity;
pub mod gallery;
