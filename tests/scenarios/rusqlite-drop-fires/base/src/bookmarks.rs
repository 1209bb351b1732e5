//! Bookmarks 0.5: one folder per bookmark, stored by name.
use rusqlite::{params, Connection, OptionalExtension, Result};

#[derive(Debug)]
pub struct Bookmark {
    pub id: i64,
    pub url: String,
    pub title: Option<String>,
}

pub fn add(
    conn: &Connection,
    url: &str,
    title: Option<&str>,
    folder: &str,
    now: i64,
) -> Result<i64> {
    conn.execute(
        "INSERT INTO bookmarks (url, title, folder, added_at) VALUES (?1, ?2, ?3, ?4)",
        params![url, title, folder, now],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn in_folder(conn: &Connection, folder: &str) -> Result<Vec<Bookmark>> {
    let mut stmt = conn
        .prepare("SELECT id, url, title FROM bookmarks WHERE folder = ?1 ORDER BY added_at DESC")?;
    let rows = stmt.query_map(params![folder], |row| {
        Ok(Bookmark {
            id: row.get(0)?,
            url: row.get(1)?,
            title: row.get(2)?,
        })
    })?;
    rows.collect()
}

pub fn by_url(conn: &Connection, url: &str) -> Result<Option<Bookmark>> {
    conn.query_row(
        "SELECT id, url, title FROM bookmarks WHERE url = ?1",
        params![url],
        |row| {
            Ok(Bookmark {
                id: row.get(0)?,
                url: row.get(1)?,
                title: row.get(2)?,
            })
        },
    )
    .optional()
}
