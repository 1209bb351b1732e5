CREATE INDEX orders_customer_idx ON orders (customer_id);
CREATE UNIQUE INDEX customers_lower_email ON customers (lower(email));
CREATE INDEX orders_open_idx ON orders (placed_at) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS orders_customer_idx ON orders (customer_id);
CREATE INDEX invoices_issued_idx ON billing.invoices USING btree (issued_on DESC);

CREATE VIEW open_orders AS
    SELECT o.id, o.customer_id, c.email
    FROM orders o JOIN customers c ON c.id = o.customer_id
    WHERE o.status = 'pending';

CREATE OR REPLACE VIEW customer_emails AS SELECT id, email FROM customers;

CREATE MATERIALIZED VIEW customer_totals AS
    SELECT customer_id, sum(total) AS total FROM orders GROUP BY customer_id;
