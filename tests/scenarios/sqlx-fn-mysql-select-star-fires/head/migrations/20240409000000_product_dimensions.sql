CREATE TABLE product_dimensions (
    product_id BIGINT NOT NULL PRIMARY KEY,
    weight_g   INT    NULL,
    length_mm  INT    NULL,
    width_mm   INT    NULL,
    height_mm  INT    NULL,
    CONSTRAINT product_dimensions_product_fk FOREIGN KEY (product_id) REFERENCES products (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

INSERT INTO product_dimensions (product_id, weight_g) SELECT id, weight_g FROM products;

ALTER TABLE products DROP COLUMN weight_g;
