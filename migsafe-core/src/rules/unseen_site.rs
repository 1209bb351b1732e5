//! A database call whose SQL migsafe cannot read: what it touches is not checked.

use super::{base_label, Category, Finding, RuleMeta};
use crate::annotations::{Decl, Site};
use crate::check::{Context, Revision, SiteRef, SiteUse};
use crate::diag::Severity;

pub static META: RuleMeta = RuleMeta {
    id: "unseen-site",
    category: Category::Coverage,
    dialects: &crate::Dialect::ALL,
    severity: Severity::Warning,
    summary: "a database call whose SQL migsafe cannot read (built at run time), or an N-1 with no database access it can see",
    explain: "\
migsafe proves that N-1 and N work on the new schema from the SQL it can read:
literal SQL given to sqlx, diesel, SeaORM, tokio-postgres, rusqlite or mysql,
and migsafe's own annotations. A call whose SQL is built at run time
(`format!`, concatenation, `QueryBuilder`, a parameter, a fragment spliced
into an ORM query) touches columns nobody checked: the verdict is then
`unproven`, never `safe`. (The same verdict, without a finding, when N-1
shows no database access at all while migrations are pending: there is
nothing to prove it safe with.)

Instead, declare what such a function touches with
`#[touches(read(orders.id, orders.status), write(orders.status))]` on the
function that runs it (the declaration covers every unseen call inside it),
or give the call literal SQL or a `const`. `--deny unseen` makes an unproven
verdict fail the check.",
};

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    let who = base_label(cx);
    let unseen = |sites: &'_ [(&'_ Site, crate::footprint::ResolvedSite)]| -> Vec<(Site, String, String)> {
        sites
            .iter()
            .filter_map(|(s, _)| match &s.decl {
                Decl::Unseen(u) => Some(((*s).clone(), u.call.clone(), u.reason.clone())),
                _ => None,
            })
            .collect()
    };
    let base = unseen(&cx.base_sites);
    let mut head = unseen(&cx.head_sites);
    let site_ref = |rev: Revision, s: &Site| SiteRef::new(rev, &s.file, s.line, &s.item, SiteUse::RunsUnreadableSql);
    for (s, call, reason) in &base {
        let mut sites = vec![site_ref(Revision::Base, s)];
        // The same call in N (same file, function and call): one finding for both.
        if let Some(i) = head.iter().position(|(h, hc, _)| h.file == s.file && h.item == s.item && *hc == *call) {
            let (h, _, _) = head.remove(i);
            sites.push(site_ref(Revision::Head, &h));
        }
        let also = if sites.len() > 1 { " (and N still does)" } else { "" };
        out.push(
            Finding::new(&META, "", None)
                .message(format!(
                    "{who} runs SQL migsafe cannot read at {}:{} (`{call}`{}){also}: {reason}; what it touches is not checked against the pending migrations",
                    s.file,
                    s.line,
                    in_item(s)
                ))
                .help(help(s))
                .sites(sites),
        );
    }
    for (h, call, reason) in &head {
        out.push(
            Finding::new(&META, "", None)
                .message(format!(
                    "N runs SQL migsafe cannot read at {}:{} (`{call}`{}): {reason}; what it touches is not checked against the new schema",
                    h.file,
                    h.line,
                    in_item(h)
                ))
                .help(help(h))
                .sites(vec![site_ref(Revision::Head, h)]),
        );
    }
}

fn in_item(s: &Site) -> String {
    if s.item.is_empty() {
        String::new()
    } else {
        format!(" in `{}`", s.item)
    }
}

fn help(s: &Site) -> String {
    let on = if s.item.is_empty() { "the function that runs it".to_string() } else { format!("`{}`", s.item) };
    format!("give the call literal SQL (or a `const`), or declare what it touches with #[touches(read(table.column, ..), write(..))] on {on}")
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{compat_keys as keys, run};
    use crate::Dialect;

    const V1: (&str, &str) = ("V1__t.sql", "CREATE TABLE t (id INT PRIMARY KEY, a TEXT);");
    const V2: (&str, &str) = ("V2__d.sql", "ALTER TABLE t DROP COLUMN a;");
    const DYN: &str = "async fn f(p: &sqlx::PgPool, c: &str) { sqlx::query(&format!(\"SELECT {c} FROM t\")).fetch_all(p).await; }";

    #[test]
    fn fires_once_for_a_call_both_revisions_make() {
        let r = run(Dialect::Postgres, (&[V1], DYN), (&[V1, V2], DYN));
        assert_eq!(keys(&r), ["unseen-site warning ."]);
        let f = &r.findings[0];
        assert_eq!(f.sites.len(), 2);
        assert!(f.message.contains("src/lib.rs:1") && f.message.contains("format!") && f.message.contains("in `f`"), "{}", f.message);
        assert!(r.unproven());
    }

    #[test]
    fn an_n_minus_1_with_no_database_access_is_unproven_without_a_finding() {
        let r = run(Dialect::Postgres, (&[V1], "fn main() {}"), (&[V1, V2], ""));
        assert!(keys(&r).is_empty(), "{:?}", keys(&r));
        assert!(r.unproven());
        // Nothing pending: nothing to prove.
        let r = run(Dialect::Postgres, (&[V1], "fn main() {}"), (&[V1], ""));
        assert!(!r.unproven());
    }

    #[test]
    fn quiet_when_every_call_is_read_or_declared() {
        let declared = "#[touches(read(t.id))] async fn f(p: &sqlx::PgPool, c: &str) { sqlx::query(&format!(\"SELECT {c} FROM t\")).fetch_all(p).await; }";
        let r = run(Dialect::Postgres, (&[V1], declared), (&[V1, V2], declared));
        assert!(keys(&r).is_empty(), "{:?}", keys(&r));
        assert!(!r.unproven());
        let r = run(Dialect::Postgres, (&[V1], "const Q: &str = sql!(\"SELECT id FROM t\");"), (&[V1, V2], ""));
        assert!(!r.unproven());
    }
}
