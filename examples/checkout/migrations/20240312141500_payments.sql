CREATE TABLE payments (
    id BIGSERIAL PRIMARY KEY,
    order_id BIGINT NOT NULL REFERENCES orders (id),
    amount_cents BIGINT NOT NULL,
    provider TEXT NOT NULL DEFAULT 'stripe',
    captured_at TIMESTAMPTZ
);

-- Coupons moved to their own table in 2.3; nothing reads the column any more.
ALTER TABLE orders DROP COLUMN coupon_code;
