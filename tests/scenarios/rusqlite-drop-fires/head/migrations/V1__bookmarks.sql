CREATE TABLE bookmarks (
    id       INTEGER PRIMARY KEY,
    url      TEXT    NOT NULL UNIQUE,
    title    TEXT,
    folder   TEXT    NOT NULL DEFAULT 'Unsorted',
    added_at INTEGER NOT NULL
);
