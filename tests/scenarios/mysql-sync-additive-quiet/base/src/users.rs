//! Accounts 4.4 (blocking `mysql` client).
use mysql::prelude::*;
use mysql::{params, PooledConn, Result};

#[derive(Debug, PartialEq, Eq)]
pub struct User {
    pub id: u32,
    pub login: String,
    pub email: String,
}

pub fn create(conn: &mut PooledConn, login: &str, email: &str) -> Result<u64> {
    conn.exec_drop(
        "INSERT INTO users (login, email) VALUES (:login, :email)",
        params! { "login" => login, "email" => email },
    )?;
    Ok(conn.last_insert_id())
}

pub fn email_of(conn: &mut PooledConn, login: &str) -> Result<Option<String>> {
    conn.exec_first("SELECT email FROM users WHERE login = ?", (login,))
}

pub fn all(conn: &mut PooledConn) -> Result<Vec<User>> {
    "SELECT id, login, email FROM users ORDER BY id"
        .with(())
        .map(conn, |(id, login, email)| User { id, login, email })
}

pub fn count(conn: &mut PooledConn) -> Result<Option<u64>> {
    conn.query_first("SELECT COUNT(*) FROM users")
}
