ALTER TYPE ticket_state RENAME VALUE 'pending' TO 'awaiting_customer';
