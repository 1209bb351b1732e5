ALTER TABLE fruit RENAME COLUMN fruit_name TO name;
