-- migrate:up
ALTER TABLE customers RENAME TO clients;
ALTER TABLE clients RENAME COLUMN name TO full_name;
ALTER TABLE clients ADD COLUMN phone VARCHAR(32);
ALTER TABLE clients ADD vip BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE clients DROP COLUMN weight;
DROP VIEW IF EXISTS open_orders;
DROP INDEX orders_open_idx;
DROP INDEX IF EXISTS never_existed_idx;

-- The table rebuild SQLite needs to change a column's type or nullability.
CREATE TABLE order_items_new (
    order_id INTEGER NOT NULL,
    line INT NOT NULL,
    sku VARCHAR(32) NOT NULL,
    qty BIGINT DEFAULT 1,
    PRIMARY KEY (order_id, line)
);
INSERT INTO order_items_new (order_id, line, sku, qty) SELECT order_id, line, coalesce(sku, ''), qty FROM order_items;
DROP TABLE order_items;
ALTER TABLE order_items_new RENAME TO order_items;

CREATE TABLE scratch (id INT);
DROP TABLE scratch;
DROP TABLE IF EXISTS never_existed;

-- migrate:down
ALTER TABLE clients DROP COLUMN vip;
