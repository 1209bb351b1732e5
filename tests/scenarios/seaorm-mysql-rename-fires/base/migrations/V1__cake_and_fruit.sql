CREATE TABLE cake (
    id   INT          NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name VARCHAR(255) NOT NULL
) ENGINE=InnoDB;

CREATE TABLE fruit (
    id         INT          NOT NULL AUTO_INCREMENT PRIMARY KEY,
    fruit_name VARCHAR(255) NOT NULL,
    cake_id    INT          NULL,
    CONSTRAINT fk_fruit_cake FOREIGN KEY (cake_id) REFERENCES cake (id)
) ENGINE=InnoDB;
