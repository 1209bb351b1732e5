//! Client for the product search index (Meilisearch). Nothing here talks
//! to PostgreSQL: `query` builds a search request, and its strings are
//! Meilisearch query text and filter expressions, not SQL.

#[derive(Debug, Clone, Default)]
pub struct IndexQuery {
    pub q: String,
    pub filter: Option<String>,
    pub sort: Vec<String>,
}

/// Starts a search-index query (not a database call).
pub fn query(q: &str) -> IndexQuery {
    IndexQuery {
        q: q.to_owned(),
        ..Default::default()
    }
}

impl IndexQuery {
    pub fn filter(mut self, expr: &str) -> Self {
        self.filter = Some(expr.to_owned());
        self
    }

    pub fn sort(mut self, by: &str) -> Self {
        self.sort.push(by.to_owned());
        self
    }
}
