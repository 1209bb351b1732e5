CREATE TABLE stock (
    sku      TEXT    PRIMARY KEY,
    quantity INTEGER NOT NULL DEFAULT 0
);
