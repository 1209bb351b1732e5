INSERT INTO clients (email, full_name, score, flag) VALUES ('a@example.com', 'A', 1, true), ('b@example.com', 'B', 2, false);
UPDATE clients SET vip = true WHERE email = 'a@example.com';
DELETE FROM clients WHERE vip = false;
INSERT INTO orders (customer_id, total) SELECT id, 10 FROM clients;
UPDATE orders SET status = 'paid';
