pub mod readings;

refinery::embed_migrations!("migrations");
