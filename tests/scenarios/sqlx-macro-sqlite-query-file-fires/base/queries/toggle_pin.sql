UPDATE notes
SET pinned = NOT pinned, updated_at = CURRENT_TIMESTAMP
WHERE id = ?
