ALTER TABLE `members` CHANGE COLUMN `nick` `nickname` VARCHAR(50) NOT NULL;
