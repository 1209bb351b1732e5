//! CRM 1.10: a customer's name is what they chose to be called.
use sqlx::MySqlPool;

#[derive(Debug, Clone)]
pub struct Customer {
    pub id: u64,
    pub email: String,
    pub display_name: String,
}

pub async fn by_email(pool: &MySqlPool, email: &str) -> sqlx::Result<Option<Customer>> {
    sqlx::query_as!(
        Customer,
        "SELECT id, email, display_name FROM customers WHERE email = ?",
        email
    )
    .fetch_optional(pool)
    .await
}

pub async fn create(pool: &MySqlPool, email: &str, display_name: &str) -> sqlx::Result<u64> {
    let done = sqlx::query!(
        "INSERT INTO customers (email, display_name) VALUES (?, ?)",
        email,
        display_name
    )
    .execute(pool)
    .await?;
    Ok(done.last_insert_id())
}

pub async fn rename(pool: &MySqlPool, id: u64, display_name: &str) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE customers SET display_name = ? WHERE id = ?",
        display_name,
        id
    )
    .execute(pool)
    .await?;
    Ok(())
}
