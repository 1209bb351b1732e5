//! Forum 2.4: the legacy tag is gone.
use migsafe_runtime::sql;

pub const LIST: &str = sql!("SELECT id, title FROM posts WHERE published");

pub const SHOW: &str = sql!("SELECT id, title, body FROM posts WHERE id = $1");
