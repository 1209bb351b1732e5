-- Flyway orders versions numerically: V10 runs after V9, not after V1.
ALTER TABLE clients ADD COLUMN feeling mood;
ALTER TYPE mood RENAME TO feeling;
ALTER TABLE orders ADD COLUMN priority smallint NOT NULL DEFAULT 0;
ALTER TABLE orders ALTER COLUMN priority DROP DEFAULT;
CREATE TABLE billing.payments (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), bill_id bigint REFERENCES billing.bills (id), paid_at timestamptz);
