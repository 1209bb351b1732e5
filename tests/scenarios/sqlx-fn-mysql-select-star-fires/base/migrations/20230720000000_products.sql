CREATE TABLE products (
    id          BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    sku         VARCHAR(64)  NOT NULL,
    title       VARCHAR(255) NOT NULL,
    price_cents INT          NOT NULL,
    weight_g    INT          NULL,
    created_at  TIMESTAMP    NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE KEY products_sku_uq (sku)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
