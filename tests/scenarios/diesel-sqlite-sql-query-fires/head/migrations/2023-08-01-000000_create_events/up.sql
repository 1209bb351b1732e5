CREATE TABLE events (
    id          INTEGER   PRIMARY KEY AUTOINCREMENT NOT NULL,
    kind        TEXT      NOT NULL,
    payload     TEXT      NOT NULL,
    occurred_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE audit_log (
    id       INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    actor    TEXT    NOT NULL,
    action   TEXT    NOT NULL,
    event_id INTEGER REFERENCES events (id),
    at       TEXT    NOT NULL DEFAULT CURRENT_TIMESTAMP
);
