pub mod audit;
pub mod events;
pub mod schema;
