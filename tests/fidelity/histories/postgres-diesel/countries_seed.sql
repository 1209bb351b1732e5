INSERT INTO countries (code, name) VALUES ('fr', 'France'), ('de', 'Germany');
