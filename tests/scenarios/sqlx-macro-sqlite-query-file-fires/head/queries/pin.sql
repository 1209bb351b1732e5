INSERT INTO note_pins (note_id) VALUES (?) ON CONFLICT (note_id) DO NOTHING
