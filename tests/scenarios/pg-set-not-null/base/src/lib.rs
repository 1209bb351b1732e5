//! Address book 4.0: the phone number is added later, from the detail page.
use migsafe_runtime::{sql, Table};

#[derive(Table)]
#[migsafe(table = "contacts")]
pub struct Contact {
    pub id: i64,
    pub phone: Option<String>,
    pub company: Option<String>,
}

pub const ADD: &str = sql!("INSERT INTO contacts (name, company) VALUES ($1, $2) RETURNING id");

pub const SET_PHONE: &str = sql!("UPDATE contacts SET phone = $2 WHERE id = $1");

pub const LIST: &str = sql!("SELECT id, phone, company FROM contacts ORDER BY name");
