//! Address book 0.3: E.164 phone numbers.
use rusqlite::{params, Connection, Result};

refinery::embed_migrations!("migrations");

pub fn open(path: &str) -> Result<Connection> {
    let mut conn = Connection::open(path)?;
    migrations::runner().run(&mut conn).expect("migrations");
    Ok(conn)
}

pub fn add(conn: &Connection, name: &str, phone_e164: Option<&str>) -> Result<i64> {
    conn.execute(
        "INSERT INTO contacts (name, phone_e164) VALUES (?1, ?2)",
        params![name, phone_e164],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn find_by_phone(conn: &Connection, number: &str) -> Result<Vec<(i64, String)>> {
    let mut stmt =
        conn.prepare("SELECT id, name FROM contacts WHERE phone_e164 = ?1 ORDER BY name")?;
    let rows = stmt.query_map(params![number], |row| Ok((row.get(0)?, row.get(1)?)))?;
    rows.collect()
}
