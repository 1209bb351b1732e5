//! Forum 2.3: lists published posts with their legacy tag.
use migsafe_runtime::sql;

pub const LIST: &str = sql!("SELECT id, title, legacy_tag FROM posts WHERE published");

pub const SHOW: &str = sql!("SELECT id, title, body FROM posts WHERE id = $1");
