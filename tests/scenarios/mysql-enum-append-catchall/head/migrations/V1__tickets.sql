CREATE TABLE tickets (
    id        INT          NOT NULL AUTO_INCREMENT PRIMARY KEY,
    subject   VARCHAR(255) NOT NULL,
    priority  ENUM('low', 'normal', 'high') NOT NULL DEFAULT 'normal',
    opened_at TIMESTAMP    NOT NULL DEFAULT CURRENT_TIMESTAMP
) ENGINE=InnoDB;
