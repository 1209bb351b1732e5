//! Address book 4.1: name and phone are required on the create form.
use migsafe_runtime::{sql, Table};

#[derive(Table)]
#[migsafe(table = "contacts")]
pub struct Contact {
    pub id: i64,
    pub name: String,
    pub phone: String,
    pub company: Option<String>,
    pub source: String,
}

pub const ADD: &str = sql!(
    "INSERT INTO contacts (name, phone, company, source) VALUES ($1, $2, $3, 'form') RETURNING id"
);

pub const SET_PHONE: &str = sql!("UPDATE contacts SET phone = $2 WHERE id = $1");

pub const LIST: &str = sql!("SELECT id, name, phone, company, source FROM contacts ORDER BY name");
