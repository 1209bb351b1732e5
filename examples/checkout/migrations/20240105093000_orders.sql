CREATE TYPE order_status AS ENUM ('pending', 'confirmed', 'shipped', 'cancelled');

CREATE TABLE customers (
    id BIGSERIAL PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);

CREATE TABLE orders (
    id BIGSERIAL PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    total_cents BIGINT NOT NULL,
    status order_status NOT NULL DEFAULT 'pending',
    coupon_code TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
