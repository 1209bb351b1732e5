//! Newsletter 1.4: the locale is guessed later, from the first open.
use migsafe_runtime::{sql, Table};

#[derive(Table)]
#[migsafe(table = "subscribers")]
pub struct Subscriber {
    pub id: i64,
    pub email: String,
    pub locale: Option<String>,
}

pub const SUBSCRIBE: &str = sql!("INSERT INTO subscribers (email, source) VALUES (?, ?)");

pub const SET_LOCALE: &str = sql!("UPDATE subscribers SET locale = ? WHERE id = ?");

pub const BY_EMAIL: &str = sql!("SELECT id, email, locale FROM subscribers WHERE email = ?");
