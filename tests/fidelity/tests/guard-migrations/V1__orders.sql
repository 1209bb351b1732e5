-- The schema the guard tests' footprint (tests/guard.rs) is compiled against.
CREATE TYPE order_status AS ENUM ('pending', 'paid');
CREATE TABLE orders (
    id BIGSERIAL PRIMARY KEY,
    customer_id BIGINT NOT NULL,
    payment_ref VARCHAR(64),
    status order_status NOT NULL DEFAULT 'pending'
);
