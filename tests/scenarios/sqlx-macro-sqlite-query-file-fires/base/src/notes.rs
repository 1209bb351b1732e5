use sqlx::SqlitePool;

pub struct NoteSummary {
    pub id: i64,
    pub title: String,
    pub updated_at: String,
}

pub async fn pinned(pool: &SqlitePool) -> sqlx::Result<Vec<NoteSummary>> {
    let rows = sqlx::query_file!("queries/pinned_notes.sql")
        .fetch_all(pool)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| NoteSummary {
            id: r.id,
            title: r.title,
            updated_at: r.updated_at,
        })
        .collect())
}

pub async fn toggle_pin(pool: &SqlitePool, id: i64) -> sqlx::Result<()> {
    sqlx::query_file!("queries/toggle_pin.sql", id)
        .execute(pool)
        .await?;
    Ok(())
}

pub async fn create(pool: &SqlitePool, title: &str, body: &str) -> sqlx::Result<i64> {
    let id = sqlx::query!("INSERT INTO notes (title, body) VALUES (?, ?)", title, body)
        .execute(pool)
        .await?
        .last_insert_rowid();
    Ok(id)
}
