//! Bookmarks 0.6: folders are rows.
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
    folder_id: i64,
    now: i64,
) -> Result<i64> {
    conn.execute(
        "INSERT INTO bookmarks (url, title, folder_id, added_at) VALUES (?1, ?2, ?3, ?4)",
        params![url, title, folder_id, now],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn in_folder(conn: &Connection, folder_id: i64) -> Result<Vec<Bookmark>> {
    let mut stmt = conn.prepare(
        "SELECT id, url, title FROM bookmarks WHERE folder_id = ?1 ORDER BY added_at DESC",
    )?;
    let rows = stmt.query_map(params![folder_id], |row| {
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

pub fn create_folder(conn: &Connection, name: &str) -> Result<i64> {
    conn.execute("INSERT INTO folders (name) VALUES (?1)", params![name])?;
    Ok(conn.last_insert_rowid())
}
