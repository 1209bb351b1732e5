-- migrate:up
CREATE INDEX orders_customer_idx ON orders (customer_id);
CREATE UNIQUE INDEX customers_lower_email ON customers (lower(email));
CREATE INDEX orders_open_idx ON orders (placed_at) WHERE status = 'NEW';
CREATE INDEX IF NOT EXISTS orders_customer_idx ON orders (customer_id);

CREATE VIEW open_orders AS
    SELECT o.id, o.customer_id, c.email
    FROM orders o JOIN customers c ON c.id = o.customer_id
    WHERE o.status = 'NEW';
CREATE VIEW customer_emails AS SELECT id, email FROM customers;

-- migrate:down
DROP VIEW customer_emails;
DROP VIEW open_orders;
DROP INDEX orders_open_idx;
DROP INDEX customers_lower_email;
DROP INDEX orders_customer_idx;
