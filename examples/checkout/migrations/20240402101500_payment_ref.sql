-- The provider's reference for a payment (2.3): refunds and disputes look payments up by it.
ALTER TABLE payments ADD COLUMN payment_ref TEXT;
CREATE UNIQUE INDEX payments_payment_ref_key ON payments (payment_ref);
