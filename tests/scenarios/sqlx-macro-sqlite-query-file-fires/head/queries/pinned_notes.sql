SELECT n.id, n.title, n.updated_at
FROM notes n
JOIN note_pins p ON p.note_id = n.id
ORDER BY p.pinned_at DESC
