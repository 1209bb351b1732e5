-- Every new comment goes through moderation; 2.1 always sets the state.
ALTER TABLE comments ADD COLUMN moderation_state VARCHAR(20) NOT NULL;
UPDATE comments SET moderation_state = 'approved';
