CREATE TABLE products (
    id          INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    name        TEXT    NOT NULL,
    price_cents INTEGER NOT NULL,
    legacy_sku  TEXT
);
