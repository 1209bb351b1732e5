pub mod cake;
pub mod cake_allergen;
