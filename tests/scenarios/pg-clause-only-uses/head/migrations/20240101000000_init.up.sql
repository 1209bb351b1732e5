CREATE TABLE customers (
    id     BIGSERIAL PRIMARY KEY,
    name   TEXT      NOT NULL,
    region TEXT      NOT NULL,
    vip    BOOLEAN   NOT NULL DEFAULT false
);

CREATE TABLE orders (
    id             BIGSERIAL   PRIMARY KEY,
    customer_id    BIGINT      NOT NULL REFERENCES customers (id),
    total_cents    BIGINT      NOT NULL,
    priority       INTEGER     NOT NULL DEFAULT 0,
    placed_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    discount_cents BIGINT      NOT NULL DEFAULT 0,
    promo_code     TEXT,
    fax_number     TEXT
);

CREATE TABLE order_archive (
    order_id    BIGINT PRIMARY KEY,
    customer_id BIGINT NOT NULL,
    total_cents BIGINT NOT NULL,
    promo_code  TEXT
);
