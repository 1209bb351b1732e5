//! Warehouse stock levels (2.9: on hand vs. reserved).
use tokio_postgres::{Client, Error};

pub async fn levels(client: &Client, warehouse: &str) -> Result<Vec<(String, i32)>, Error> {
    let rows = client
        .query(
            "SELECT sku, on_hand FROM stock WHERE warehouse = $1 ORDER BY sku",
            &[&warehouse],
        )
        .await?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
}

pub async fn level(client: &Client, warehouse: &str, sku: &str) -> Result<i32, Error> {
    let row = client
        .query_one(
            "SELECT on_hand FROM stock WHERE warehouse = $1 AND sku = $2",
            &[&warehouse, &sku],
        )
        .await?;
    Ok(row.get("on_hand"))
}

pub async fn adjust(client: &Client, warehouse: &str, sku: &str, delta: i32) -> Result<u64, Error> {
    let stmt = client
        .prepare("UPDATE stock SET on_hand = on_hand + $3 WHERE warehouse = $1 AND sku = $2")
        .await?;
    client.execute(&stmt, &[&warehouse, &sku, &delta]).await
}

pub async fn receive(client: &Client, warehouse: &str, sku: &str, n: i32) -> Result<u64, Error> {
    client
        .execute(
            "INSERT INTO stock (warehouse, sku, on_hand) VALUES ($1, $2, $3) \
             ON CONFLICT (warehouse, sku) DO UPDATE SET on_hand = stock.on_hand + EXCLUDED.on_hand",
            &[&warehouse, &sku, &n],
        )
        .await
}

pub async fn reserve(client: &Client, warehouse: &str, sku: &str, n: i32) -> Result<u64, Error> {
    client
        .execute(
            "UPDATE stock SET reserved = reserved + $3 \
             WHERE warehouse = $1 AND sku = $2 AND on_hand - reserved >= $3",
            &[&warehouse, &sku, &n],
        )
        .await
}
