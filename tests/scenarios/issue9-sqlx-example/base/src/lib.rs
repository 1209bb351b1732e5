pub async fn find(pool: &sqlx::PgPool) {
    let r = sqlx::query!("SELECT id, email, name FROM users WHERE email = $1", "x").fetch_one(pool).await;
    let r2 = sqlx::query("SELECT name FROM users").fetch_all(pool).await;
}
