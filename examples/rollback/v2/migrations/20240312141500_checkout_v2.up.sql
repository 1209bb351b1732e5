-- Checkout 2.4: asynchronous payment confirmation, multi-tenant orders.
ALTER TABLE orders RENAME COLUMN payment_ref TO payment_reference_id;
ALTER TYPE order_status ADD VALUE 'awaiting_confirmation' AFTER 'pending';
ALTER TABLE orders ADD COLUMN tenant_id BIGINT NOT NULL DEFAULT 1;
ALTER TABLE orders ALTER COLUMN tenant_id DROP DEFAULT;
ALTER TABLE orders DROP COLUMN coupon_code;
CREATE INDEX orders_status_idx ON orders (status);
