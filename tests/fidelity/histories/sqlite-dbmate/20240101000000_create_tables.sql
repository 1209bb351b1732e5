-- migrate:up
PRAGMA foreign_keys = ON;

CREATE TABLE customers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email varchar(255) NOT NULL UNIQUE,
    name TEXT,
    created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    birthday date,
    balance NUMERIC(12, 2) DEFAULT 0,
    score REAL,
    ratio DOUBLE PRECISION,
    weight FLOAT,
    big UNSIGNED BIG INT,
    small smallint,
    flag BOOLEAN NOT NULL DEFAULT 0,
    code CHARACTER(3),
    nick NVARCHAR(100),
    avatar BLOB,
    prefs JSON,
    anything,
    CHECK (balance >= 0)
);

-- WITHOUT ROWID: the primary key is NOT NULL (for a rowid table it is not).
CREATE TABLE settings (
    scope TEXT,
    name TEXT,
    value TEXT,
    PRIMARY KEY (scope, name)
) WITHOUT ROWID;

CREATE TABLE orders (
    id integer primary key,
    customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    status TEXT NOT NULL DEFAULT 'NEW' CHECK (status IN ('NEW', 'PAID')),
    total DECIMAL(10, 2) NOT NULL,
    note VARCHAR(100) NULL,
    placed_at TIMESTAMP,
    total_with_tax REAL GENERATED ALWAYS AS (total * 1.2) VIRTUAL,
    CONSTRAINT orders_total_bounded CHECK (total < 1000000)
);

CREATE TABLE order_items (
    order_id INTEGER,
    line INT,
    sku TEXT,
    qty INT DEFAULT 1,
    PRIMARY KEY (order_id, line),
    UNIQUE (order_id, sku),
    FOREIGN KEY (order_id) REFERENCES orders (id)
);

CREATE TABLE kv (k TEXT PRIMARY KEY NOT NULL, v BLOB) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS kv (other INT);

-- migrate:down
DROP TABLE kv;
DROP TABLE order_items;
DROP TABLE orders;
DROP TABLE settings;
DROP TABLE customers;
