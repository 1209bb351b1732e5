CREATE TABLE readings (
    id       INTEGER PRIMARY KEY,
    sensor   TEXT    NOT NULL,
    value    REAL    NOT NULL,
    taken_at INTEGER NOT NULL
);
