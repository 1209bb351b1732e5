pub mod members;
pub mod schema;
