SELECT id, title, updated_at
FROM notes
WHERE pinned = 1
ORDER BY updated_at DESC
