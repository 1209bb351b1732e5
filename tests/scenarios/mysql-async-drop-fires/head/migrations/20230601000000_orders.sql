CREATE TABLE orders (
    id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    customer_id BIGINT UNSIGNED NOT NULL,
    total_cents INT             NOT NULL,
    coupon_code VARCHAR(32)     NULL,
    created_at  DATETIME        NOT NULL DEFAULT CURRENT_TIMESTAMP,
    KEY orders_customer_idx (customer_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
