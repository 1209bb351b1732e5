-- The Elo ladder is gone (season 5); nothing reads players.elo any more.
ALTER TABLE players DROP COLUMN elo;
