-- Seed data, loaded by hand; diesel never runs this file.
INSERT INTO categories (name) VALUES ('news'), ('howto');
