-- An order can now carry several discounts (coupon, loyalty, staff).
CREATE TABLE order_discounts (
    id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    order_id     BIGINT UNSIGNED NOT NULL,
    kind         VARCHAR(16)     NOT NULL,
    code         VARCHAR(32)     NULL,
    amount_cents INT             NOT NULL DEFAULT 0,
    KEY order_discounts_order_idx (order_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

INSERT INTO order_discounts (order_id, kind, code)
SELECT id, 'coupon', coupon_code FROM orders WHERE coupon_code IS NOT NULL;

ALTER TABLE orders DROP COLUMN coupon_code;
