//! Music library 0.5: tracks carry their ISRC.
use sqlx::SqlitePool;

#[derive(Debug, Default)]
pub struct Filter {
    pub artist: Option<String>,
    pub album: Option<String>,
    pub min_bpm: Option<i64>,
}

#[derive(Debug, sqlx::FromRow)]
pub struct Track {
    pub id: i64,
    pub title: String,
    pub artist: String,
    pub isrc: Option<String>,
}

/// Library search: the WHERE clause depends on which filters are set.
pub async fn search(pool: &SqlitePool, f: &Filter) -> sqlx::Result<Vec<Track>> {
    let mut clauses = vec!["1 = 1"];
    if f.artist.is_some() {
        clauses.push("artist = ?");
    }
    if f.album.is_some() {
        clauses.push("album = ?");
    }
    if f.min_bpm.is_some() {
        clauses.push("bpm >= ?");
    }
    let sql = format!(
        "SELECT id, title, artist, isrc FROM tracks WHERE {} ORDER BY artist, title",
        clauses.join(" AND ")
    );
    let mut q = sqlx::query_as::<_, Track>(&sql);
    if let Some(a) = &f.artist {
        q = q.bind(a);
    }
    if let Some(a) = &f.album {
        q = q.bind(a);
    }
    if let Some(b) = f.min_bpm {
        q = q.bind(b);
    }
    q.fetch_all(pool).await
}

pub async fn add(
    pool: &SqlitePool,
    title: &str,
    artist: &str,
    duration_ms: i64,
) -> sqlx::Result<i64> {
    let id = sqlx::query("INSERT INTO tracks (title, artist, duration_ms) VALUES (?, ?, ?)")
        .bind(title)
        .bind(artist)
        .bind(duration_ms)
        .execute(pool)
        .await?
        .last_insert_rowid();
    Ok(id)
}
