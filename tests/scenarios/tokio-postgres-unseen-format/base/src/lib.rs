pub mod leaderboard;
