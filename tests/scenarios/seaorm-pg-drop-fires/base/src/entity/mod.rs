pub mod cake;
