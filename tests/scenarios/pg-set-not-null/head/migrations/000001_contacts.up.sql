CREATE TABLE contacts (
    id      BIGSERIAL PRIMARY KEY,
    name    TEXT,
    phone   TEXT,
    company TEXT
);
