pub mod models;
pub mod repo;
pub mod schema;
