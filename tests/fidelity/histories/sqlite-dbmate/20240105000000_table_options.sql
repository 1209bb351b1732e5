-- migrate:up
-- sqlparser 0.63 rejected SQLite's comma-separated table options.
CREATE TABLE preferences (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID, STRICT;
CREATE TABLE counters (id INTEGER PRIMARY KEY, n INTEGER) STRICT;

-- migrate:down
DROP TABLE counters;
DROP TABLE preferences;
