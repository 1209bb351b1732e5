ALTER TABLE products ADD COLUMN legacy_sku TEXT;
UPDATE products SET legacy_sku = sku;
