CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    details TEXT NOT NULL
);
