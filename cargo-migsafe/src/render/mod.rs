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

/// Of each revision's file texts, the ones `findings` quote (what
/// [`human::render`] looks up: a finding's migration, in either revision,
/// and its sites, in theirs); the rest are dropped before the next database
/// is checked rather than held to the end of a workspace's run.
pub fn quoted(
    findings: &[migsafe_core::rules::Finding],
    mut head: HashMap<String, String>,
    mut base: HashMap<String, String>,
) -> (HashMap<String, String>, HashMap<String, String>) {
    use migsafe_core::check::Revision;
    use std::collections::HashSet;
    let migrations: HashSet<&str> = findings.iter().filter_map(|f| f.migration.as_ref()).map(|m| m.file.as_str()).collect();
    let sites =
        |revision: Revision| -> HashSet<&str> { findings.iter().flat_map(|f| &f.sites).filter(|s| s.revision == revision).map(|s| s.file.as_str()).collect() };
    let (at_head, at_base) = (sites(Revision::Head), sites(Revision::Base));
    head.retain(|path, _| migrations.contains(path.as_str()) || at_head.contains(path.as_str()));
    base.retain(|path, _| migrations.contains(path.as_str()) || at_base.contains(path.as_str()));
    (head, base)
}

#[cfg(test)]
mod tests {
    use super::*;
    use migsafe_core::check::{Revision, SiteRef};
    use migsafe_core::rules::{Finding, MigrationRef};

    fn texts(paths: &[&str]) -> HashMap<String, String> {
        paths.iter().map(|p| (p.to_string(), format!("text of {p}"))).collect()
    }

    fn site(revision: Revision, file: &str) -> SiteRef {
        SiteRef { revision, file: file.into(), line: 1, item: "q".into(), access: Vec::new() }
    }

    /// A finding's migration is kept in whichever revision holds it, a site's
    /// file only in its own revision, and nothing no finding names.
    #[test]
    fn keeps_what_the_findings_quote() {
        let mut f = Finding::new(migsafe_core::rules::find("dropped-column-in-use").expect("a rule").meta, "orders", Some("note"));
        f.migration = Some(MigrationRef { file: "migrations/V2__drop.sql".into(), line: 3 });
        f.sites = vec![site(Revision::Base, "src/old.rs"), site(Revision::Head, "src/new.rs")];
        let head = texts(&["migrations/V1__t.sql", "migrations/V2__drop.sql", "src/new.rs", "src/old.rs", "src/other.rs"]);
        let base = texts(&["migrations/V1__t.sql", "src/new.rs", "src/old.rs"]);
        let (head, base) = quoted(&[f], head, base);
        let mut head: Vec<&str> = head.keys().map(String::as_str).collect();
        let mut base: Vec<&str> = base.keys().map(String::as_str).collect();
        head.sort_unstable();
        base.sort_unstable();
        assert_eq!(head, ["migrations/V2__drop.sql", "src/new.rs"]);
        assert_eq!(base, ["src/old.rs"]);
        // No finding: nothing to quote.
        let (h, b) = quoted(&[], texts(&["a.sql"]), texts(&["a.sql"]));
        assert!(h.is_empty() && b.is_empty());
    }
}
