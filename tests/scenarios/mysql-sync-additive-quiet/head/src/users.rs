//! Accounts 4.5: last login and locale (blocking `mysql` client).
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

pub fn touch_login(conn: &mut PooledConn, login: &str) -> Result<()> {
    conn.exec_drop(
        "UPDATE users SET last_login_at = NOW() WHERE login = ?",
        (login,),
    )
}

pub fn set_locale(conn: &mut PooledConn, login: &str, locale: &str) -> Result<()> {
    conn.exec_drop(
        "UPDATE users SET locale = :locale WHERE login = :login",
        params! { "locale" => locale, "login" => login },
    )
}

pub fn locale_of(conn: &mut PooledConn, login: &str) -> Result<Option<String>> {
    conn.exec_first("SELECT locale FROM users WHERE login = ?", (login,))
}
