CREATE TABLE products (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT    NOT NULL,
    legacy_sku  TEXT,
    price_cents INTEGER NOT NULL
);
