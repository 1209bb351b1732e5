pub mod bookmarks;

refinery::embed_migrations!("migrations");
