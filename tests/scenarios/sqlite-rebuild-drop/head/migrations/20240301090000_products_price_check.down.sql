CREATE TABLE products_old (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT    NOT NULL,
    legacy_sku  TEXT,
    price_cents INTEGER NOT NULL
);
INSERT INTO products_old (id, name, price_cents) SELECT id, name, price_cents FROM products;
DROP TABLE products;
ALTER TABLE products_old RENAME TO products;
