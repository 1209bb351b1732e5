SET NAMES utf8mb4;

CREATE TABLE customers (
    id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    email VARCHAR(255) NOT NULL UNIQUE,
    name TEXT,
    nick TINYTEXT,
    bio MEDIUMTEXT,
    notes LONGTEXT,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP NULL DEFAULT NULL ON UPDATE CURRENT_TIMESTAMP,
    seen_at TIMESTAMP,
    birthday DATE,
    wake TIME,
    joined DATETIME(3) NOT NULL,
    since YEAR,
    balance DECIMAL(12, 2) DEFAULT 0,
    score FLOAT,
    ratio DOUBLE,
    precise DOUBLE PRECISION,
    r REAL,
    tiny TINYINT,
    small SMALLINT UNSIGNED,
    medium MEDIUMINT,
    big BIGINT NOT NULL DEFAULT 0,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    flag BOOL,
    code CHAR(3),
    avatar BLOB,
    thumb TINYBLOB,
    photo MEDIUMBLOB,
    video LONGBLOB,
    hash BINARY(32),
    token VARBINARY(64),
    bits BIT(8),
    prefs JSON,
    level ENUM('bronze', 'silver', 'gold') NOT NULL DEFAULT 'bronze',
    perms SET('read', 'write'),
    ext_id UUID,
    CHECK (balance >= 0)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE TABLE orders (
    id BIGINT NOT NULL AUTO_INCREMENT,
    customer_id INT UNSIGNED NOT NULL,
    status VARCHAR(16) NOT NULL DEFAULT 'NEW',
    total DECIMAL(10, 2) NOT NULL CHECK (total >= 0),
    note VARCHAR(100) NULL,
    placed_at DATETIME,
    PRIMARY KEY (id),
    KEY orders_status_idx (status),
    INDEX orders_placed_idx (placed_at),
    CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE,
    CONSTRAINT orders_total_bounded CHECK (total < 1000000)
);

CREATE TABLE order_items (
    order_id BIGINT,
    line SMALLINT,
    sku VARCHAR(32),
    qty INT DEFAULT 1,
    PRIMARY KEY (order_id, line),
    UNIQUE KEY order_items_sku (order_id, sku),
    FOREIGN KEY (order_id) REFERENCES orders (id)
);

CREATE TABLE events (id SERIAL, payload TEXT);

CREATE TABLE IF NOT EXISTS events (other INT);
