pub mod entity;
pub mod fruits;
