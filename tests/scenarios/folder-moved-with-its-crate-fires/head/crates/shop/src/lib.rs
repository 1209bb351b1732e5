pub async fn customers(pool: &sqlx::PgPool, id: i64) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar("SELECT customer_id FROM orders WHERE id = $1").bind(id).fetch_all(pool).await
}
