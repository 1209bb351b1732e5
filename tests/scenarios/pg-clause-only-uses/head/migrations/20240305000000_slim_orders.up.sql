-- "Unused" columns: nothing SELECTs them (grep says so).
ALTER TABLE orders DROP COLUMN priority;
ALTER TABLE orders DROP COLUMN promo_code;
ALTER TABLE orders DROP COLUMN discount_cents;
ALTER TABLE orders DROP COLUMN fax_number;
ALTER TABLE customers DROP COLUMN vip;
ALTER TABLE customers DROP COLUMN region;
