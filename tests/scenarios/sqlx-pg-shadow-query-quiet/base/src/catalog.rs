//! Storefront 8.1.
use crate::search::{self, query, IndexQuery};
use sqlx::PgPool;

#[derive(Debug, sqlx::FromRow)]
pub struct Product {
    pub id: i64,
    pub name: String,
    pub price_cents: i64,
}

pub async fn product(pool: &PgPool, id: i64) -> sqlx::Result<Option<Product>> {
    sqlx::query_as::<_, Product>("SELECT id, name, price_cents FROM products WHERE id = $1")
        .bind(id)
        .fetch_optional(pool)
        .await
}

pub async fn set_in_stock(pool: &PgPool, id: i64, in_stock: bool) -> sqlx::Result<()> {
    sqlx::query("UPDATE products SET in_stock = $1 WHERE id = $2")
        .bind(in_stock)
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}

/// The "clearance" landing page, served from the search index. The index
/// keeps its own copy of the old discount attribute (the database column is no longer read).
pub fn clearance_search() -> IndexQuery {
    query("clearance")
        .filter("legacy_discount > 0 AND in_stock = true")
        .sort("legacy_discount:desc")
}

pub fn text_search(text: &str) -> IndexQuery {
    search::query(text).filter("in_stock = true")
}

pub fn select_products_by_legacy_discount() -> IndexQuery {
    query("SELECT legacy_discount FROM products")
}
