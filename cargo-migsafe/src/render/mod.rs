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
