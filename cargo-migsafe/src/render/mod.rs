//! Turning a report into text: rustc-style for people, JSON for scripts,
//! SARIF for code scanning, workflow commands for GitHub Actions, a code
//! quality report for GitLab.

pub mod failure;
pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod sarif;

use std::collections::HashMap;

/// File texts of both revisions, for snippets.
#[derive(Default)]
pub struct Sources {
    pub base: HashMap<String, String>,
    pub head: HashMap<String, String>,
}

/// The byte range of 1-based `line` in `text`, without its newline.
pub fn line_range(text: &str, line: u32) -> Option<std::ops::Range<usize>> {
    let mut start = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line as usize {
            let end = start + l.trim_end_matches(['\n', '\r']).len();
            return Some(start..end);
        }
        start += l.len();
    }
    None
}
