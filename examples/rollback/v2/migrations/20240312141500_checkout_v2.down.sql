DROP INDEX orders_status_idx;
ALTER TABLE orders ADD COLUMN coupon_code TEXT;
ALTER TABLE orders DROP COLUMN tenant_id;
ALTER TABLE orders RENAME COLUMN payment_reference_id TO payment_ref;
