ALTER TABLE `members` CHANGE COLUMN `nickname` `nick` VARCHAR(50) NOT NULL;
