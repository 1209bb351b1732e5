//! Newsletter 1.5: the sign-up form asks for the language.
use migsafe_runtime::{sql, Table};

#[derive(Table)]
#[migsafe(table = "subscribers")]
pub struct Subscriber {
    pub id: i64,
    pub email: String,
    pub locale: String,
    pub confirmed: bool,
}

pub const SUBSCRIBE: &str =
    sql!("INSERT INTO subscribers (email, locale, source) VALUES (?, ?, ?)");

pub const CONFIRM: &str = sql!("UPDATE subscribers SET confirmed = 1 WHERE id = ?");

pub const BY_EMAIL: &str =
    sql!("SELECT id, email, locale, confirmed FROM subscribers WHERE email = ?");
