//! Leaderboards 1.5: no more Elo ladder.
use tokio_postgres::{Client, Error};

#[derive(Debug, Clone, Copy)]
pub enum SortBy {
    Score,
    Wins,
}

impl SortBy {
    fn column(self) -> &'static str {
        match self {
            SortBy::Score => "score",
            SortBy::Wins => "wins",
        }
    }
}

pub struct Entry {
    pub id: i64,
    pub handle: String,
    pub score: i32,
}

pub async fn leaderboard(client: &Client, sort: SortBy, limit: i64) -> Result<Vec<Entry>, Error> {
    let sql = format!(
        "SELECT id, handle, score FROM players ORDER BY {} DESC LIMIT $1",
        sort.column()
    );
    let rows = client.query(sql.as_str(), &[&limit]).await?;
    Ok(rows
        .iter()
        .map(|r| Entry {
            id: r.get(0),
            handle: r.get(1),
            score: r.get(2),
        })
        .collect())
}

pub async fn register(client: &Client, handle: &str) -> Result<i64, Error> {
    let row = client
        .query_one(
            "INSERT INTO players (handle) VALUES ($1) RETURNING id",
            &[&handle],
        )
        .await?;
    Ok(row.get(0))
}

pub async fn record_win(client: &Client, id: i64, points: i32) -> Result<u64, Error> {
    client
        .execute(
            "UPDATE players SET wins = wins + 1, score = score + $2 WHERE id = $1",
            &[&id, &points],
        )
        .await
}
