pub mod entity;
pub mod menu;
