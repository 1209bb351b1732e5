//! Analytics 3.4: longer page paths, 64-bit counters (the struct was forgotten).
use migsafe_runtime::{sql, Table};

#[derive(Table)]
#[migsafe(table = "page_events")]
pub struct PageEvent {
    pub id: i64,
    pub page: String,
    pub hits: i32,
}

pub const TRACK: &str = sql!(
    "INSERT INTO page_events (page) VALUES ($1)
     ON CONFLICT (page) DO UPDATE SET hits = page_events.hits + 1, last_seen = now()"
);

pub const TOP: &str = sql!("SELECT id, page, hits FROM page_events ORDER BY hits DESC LIMIT 20");
