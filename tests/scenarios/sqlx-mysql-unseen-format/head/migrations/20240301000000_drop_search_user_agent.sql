-- Never read by anything; we stopped collecting user agents (privacy review).
ALTER TABLE search_log DROP COLUMN user_agent;
