pub mod customers;
pub mod entity;
