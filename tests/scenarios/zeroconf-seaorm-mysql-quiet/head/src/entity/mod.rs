pub mod bakery;
