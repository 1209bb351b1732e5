//! Site analytics 0.13.
use sqlx::MySqlPool;

/// Tables the retention job prunes, with the column that dates their rows.
const RETAINED: &[(&str, &str)] = &[("page_views", "viewed_at"), ("search_log", "searched_at")];

pub async fn record_view(pool: &MySqlPool, path: &str, referrer: Option<&str>) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO page_views (path, referrer) VALUES (?, ?)")
        .bind(path)
        .bind(referrer)
        .execute(pool)
        .await?;
    Ok(())
}

pub async fn record_search(pool: &MySqlPool, query: &str) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO search_log (query) VALUES (?)")
        .bind(query)
        .execute(pool)
        .await?;
    Ok(())
}

pub async fn top_pages(pool: &MySqlPool, limit: i64) -> sqlx::Result<Vec<(String, i64)>> {
    sqlx::query_as(
        "SELECT path, COUNT(*) AS views FROM page_views \
         WHERE viewed_at >= NOW() - INTERVAL 7 DAY GROUP BY path ORDER BY views DESC LIMIT ?",
    )
    .bind(limit)
    .fetch_all(pool)
    .await
}

/// Nightly retention job: delete rows older than `days`, in batches.
pub async fn purge(pool: &MySqlPool, days: u32) -> sqlx::Result<u64> {
    let mut removed = 0;
    for (table, dated_by) in RETAINED {
        let sql =
            format!("DELETE FROM {table} WHERE {dated_by} < NOW() - INTERVAL ? DAY LIMIT 10000");
        removed += sqlx::query(&sql)
            .bind(days)
            .execute(pool)
            .await?
            .rows_affected();
    }
    Ok(removed)
}
