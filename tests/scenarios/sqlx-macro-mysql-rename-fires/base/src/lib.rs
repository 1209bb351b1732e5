//! CRM 1.9: customer records.
use sqlx::MySqlPool;

#[derive(Debug, Clone)]
pub struct Customer {
    pub id: u64,
    pub email: String,
    pub full_name: String,
}

pub async fn by_email(pool: &MySqlPool, email: &str) -> sqlx::Result<Option<Customer>> {
    sqlx::query_as!(
        Customer,
        "SELECT id, email, full_name FROM customers WHERE email = ?",
        email
    )
    .fetch_optional(pool)
    .await
}

pub async fn create(pool: &MySqlPool, email: &str, full_name: &str) -> sqlx::Result<u64> {
    let done = sqlx::query!(
        "INSERT INTO customers (email, full_name) VALUES (?, ?)",
        email,
        full_name
    )
    .execute(pool)
    .await?;
    Ok(done.last_insert_id())
}

pub async fn rename(pool: &MySqlPool, id: u64, full_name: &str) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE customers SET full_name = ? WHERE id = ?",
        full_name,
        id
    )
    .execute(pool)
    .await?;
    Ok(())
}
