CREATE TABLE stock (
    id        BIGSERIAL PRIMARY KEY,
    warehouse TEXT      NOT NULL,
    sku       TEXT      NOT NULL,
    qty       INTEGER   NOT NULL DEFAULT 0,
    UNIQUE (warehouse, sku)
);
