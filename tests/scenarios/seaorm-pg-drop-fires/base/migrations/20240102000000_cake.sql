CREATE TABLE cake (
    id          SERIAL  PRIMARY KEY,
    name        TEXT    NOT NULL,
    price_cents INTEGER NOT NULL,
    gluten_free BOOLEAN NOT NULL DEFAULT false
);
