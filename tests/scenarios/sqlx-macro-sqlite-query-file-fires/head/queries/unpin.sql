DELETE FROM note_pins WHERE note_id = ?
