CREATE TABLE products_new (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT    NOT NULL,
    price_cents INTEGER NOT NULL CHECK (price_cents >= 0)
);
INSERT INTO products_new (id, name, price_cents) SELECT id, name, price_cents FROM products;
DROP TABLE products;
ALTER TABLE products_new RENAME TO products;
