use crate::models::{NewProduct, Product};
use crate::schema::products;
use diesel::prelude::*;

pub fn by_sku(conn: &mut SqliteConnection, code: &str) -> QueryResult<Option<Product>> {
    products::table
        .filter(products::sku.eq(code))
        .select(Product::as_select())
        .first(conn)
        .optional()
}

pub fn add(conn: &mut SqliteConnection, new: &NewProduct<'_>) -> QueryResult<usize> {
    diesel::insert_into(products::table)
        .values(new)
        .execute(conn)
}

pub fn all(conn: &mut SqliteConnection) -> QueryResult<Vec<Product>> {
    products::table.load(conn)
}
