ALTER INDEX IF EXISTS idx_posts_published RENAME TO posts_published_idx;
