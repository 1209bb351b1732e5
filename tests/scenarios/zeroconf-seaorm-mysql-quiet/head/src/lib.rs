pub mod bakeries;
pub mod entity;
