//! Catalog 4.0. Weights are filled in by the warehouse import, not here.
use sqlx::MySqlPool;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Product {
    pub id: i64,
    pub sku: String,
    pub title: String,
    pub price_cents: i32,
    #[sqlx(rename = "weight_g")]
    pub weight_grams: Option<i32>,
}

pub async fn by_sku(pool: &MySqlPool, sku: &str) -> sqlx::Result<Option<Product>> {
    sqlx::query_as::<_, Product>("SELECT * FROM products WHERE sku = ?")
        .bind(sku)
        .fetch_optional(pool)
        .await
}

pub async fn page(pool: &MySqlPool, limit: i64, offset: i64) -> sqlx::Result<Vec<Product>> {
    sqlx::query_as::<_, Product>("SELECT * FROM products ORDER BY id LIMIT ? OFFSET ?")
        .bind(limit)
        .bind(offset)
        .fetch_all(pool)
        .await
}

pub async fn create(
    pool: &MySqlPool,
    sku: &str,
    title: &str,
    price_cents: i32,
) -> sqlx::Result<u64> {
    let done = sqlx::query("INSERT INTO products (sku, title, price_cents) VALUES (?, ?, ?)")
        .bind(sku)
        .bind(title)
        .bind(price_cents)
        .execute(pool)
        .await?;
    Ok(done.last_insert_id())
}
