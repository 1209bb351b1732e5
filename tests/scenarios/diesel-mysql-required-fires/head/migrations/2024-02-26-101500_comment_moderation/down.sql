ALTER TABLE comments DROP COLUMN moderation_state;
