//! Warehouse stock levels (2.8).
use tokio_postgres::{Client, Error};

pub async fn levels(client: &Client, warehouse: &str) -> Result<Vec<(String, i32)>, Error> {
    let rows = client
        .query(
            "SELECT sku, qty FROM stock WHERE warehouse = $1 ORDER BY sku",
            &[&warehouse],
        )
        .await?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
}

pub async fn level(client: &Client, warehouse: &str, sku: &str) -> Result<i32, Error> {
    let row = client
        .query_one(
            "SELECT qty FROM stock WHERE warehouse = $1 AND sku = $2",
            &[&warehouse, &sku],
        )
        .await?;
    Ok(row.get("qty"))
}

pub async fn adjust(client: &Client, warehouse: &str, sku: &str, delta: i32) -> Result<u64, Error> {
    let stmt = client
        .prepare("UPDATE stock SET qty = qty + $3 WHERE warehouse = $1 AND sku = $2")
        .await?;
    client.execute(&stmt, &[&warehouse, &sku, &delta]).await
}

pub async fn receive(client: &Client, warehouse: &str, sku: &str, n: i32) -> Result<u64, Error> {
    client
        .execute(
            "INSERT INTO stock (warehouse, sku, qty) VALUES ($1, $2, $3) \
             ON CONFLICT (warehouse, sku) DO UPDATE SET qty = stock.qty + EXCLUDED.qty",
            &[&warehouse, &sku, &n],
        )
        .await
}
