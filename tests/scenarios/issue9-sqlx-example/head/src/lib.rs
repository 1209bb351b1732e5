pub async fn find(pool: &sqlx::PgPool) {
    let r = sqlx::query!("SELECT id, email FROM users WHERE email = $1", "x").fetch_one(pool).await;
}
