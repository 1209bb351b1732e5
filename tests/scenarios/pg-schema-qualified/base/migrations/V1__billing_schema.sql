CREATE SCHEMA billing;

CREATE TABLE billing.invoices (
    id           BIGSERIAL PRIMARY KEY,
    customer_id  BIGINT    NOT NULL,
    amount_cents BIGINT    NOT NULL,
    due_on       DATE      NOT NULL
);

-- The monolith's invoices, imported read-only into public.
CREATE TABLE invoices (
    id           BIGINT PRIMARY KEY,
    amount_cents BIGINT NOT NULL,
    note         TEXT
);
