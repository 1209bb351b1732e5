CREATE TABLE cake_allergen (
    cake_id  INTEGER NOT NULL REFERENCES cake (id),
    allergen TEXT    NOT NULL,
    PRIMARY KEY (cake_id, allergen)
);

INSERT INTO cake_allergen (cake_id, allergen) SELECT id, 'gluten' FROM cake WHERE NOT gluten_free;

ALTER TABLE cake DROP COLUMN gluten_free;
