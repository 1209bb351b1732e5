CREATE OR REPLACE FUNCTION touch_placed_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.placed_at := now();
    RETURN NEW;
END;
$$;
CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch_placed_at();
COMMENT ON TABLE orders IS 'orders placed by clients';
COMMENT ON COLUMN orders.note IS 'free text';
GRANT SELECT ON orders TO PUBLIC;
REVOKE ALL ON billing.bills FROM PUBLIC;
DO $$
BEGIN
    RAISE NOTICE 'hello from a DO block';
END
$$;
CREATE SEQUENCE order_numbers START 100;
ALTER SEQUENCE order_numbers RESTART WITH 200;
ALTER TABLE orders ALTER CONSTRAINT orders_customer_id_fkey DEFERRABLE INITIALLY DEFERRED;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
SELECT 1;
ANALYZE orders;
DROP TRIGGER orders_touch ON orders;
DROP FUNCTION touch_placed_at();
