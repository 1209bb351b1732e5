CREATE TABLE products (
    id              BIGSERIAL PRIMARY KEY,
    name            TEXT      NOT NULL,
    price_cents     BIGINT    NOT NULL,
    in_stock        BOOLEAN   NOT NULL DEFAULT true,
    legacy_discount INTEGER
);
