ALTER TYPE order_status ADD VALUE 'refunded';
ALTER TABLE orders ADD COLUMN refunded_at TIMESTAMPTZ;
