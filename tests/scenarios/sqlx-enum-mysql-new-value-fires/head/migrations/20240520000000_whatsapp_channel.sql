ALTER TABLE tickets MODIFY channel ENUM('email', 'phone', 'chat', 'whatsapp') NOT NULL DEFAULT 'email';
