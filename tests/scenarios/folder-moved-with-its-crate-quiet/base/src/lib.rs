pub async fn totals(pool: &sqlx::PgPool, customer: i64) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar("SELECT total_cents FROM orders WHERE customer_id = $1").bind(customer).fetch_all(pool).await
}
