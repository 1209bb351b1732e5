-- expand: the new column, backfilled from the old one
ALTER TABLE products ADD COLUMN sku TEXT;
UPDATE products SET sku = legacy_sku;
