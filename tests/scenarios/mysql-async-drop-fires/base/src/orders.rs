//! Checkout 5.1.
use mysql_async::prelude::*;
use mysql_async::{params, Conn, Result};

pub async fn place(
    conn: &mut Conn,
    customer_id: u64,
    total_cents: i32,
    coupon: Option<&str>,
) -> Result<u64> {
    conn.exec_drop(
        "INSERT INTO orders (customer_id, total_cents, coupon_code) \
         VALUES (:customer_id, :total_cents, :coupon_code)",
        params! {
            "customer_id" => customer_id,
            "total_cents" => total_cents,
            "coupon_code" => coupon,
        },
    )
    .await?;
    Ok(conn.last_insert_id().unwrap_or_default())
}

pub async fn coupon_uses(conn: &mut Conn, code: &str) -> Result<Option<u64>> {
    conn.exec_first("SELECT COUNT(*) FROM orders WHERE coupon_code = ?", (code,))
        .await
}

pub async fn lifetime_spend(conn: &mut Conn, customer_id: u64) -> Result<Option<i64>> {
    conn.exec_first(
        "SELECT CAST(COALESCE(SUM(total_cents), 0) AS SIGNED) FROM orders WHERE customer_id = ?",
        (customer_id,),
    )
    .await
}
