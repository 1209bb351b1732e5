//! The contract rules' findings from [`super::compat`]'s issues: one shape
//! for every `contract-*` rule (the contract as `table`, the wire path as
//! `column`, the declaring sites of both revisions, why, and the safe way).

use super::compat::{issues, Issue};
use super::shape::{At, ContractKind};
use crate::check::{Context, Revision, SiteRef, SiteUse};
use crate::rules::{Finding, RuleMeta};

/// A finding of rule `meta` for each issue `pick` takes; `help` says the safe way.
pub(crate) fn report(cx: &Context, meta: &'static RuleMeta, pick: impl Fn(&Issue) -> bool, help: impl Fn(&Issue) -> String, out: &mut Vec<Finding>) {
    for (b, _, issue) in issues(&cx.base.contracts, &cx.head.contracts).into_iter().filter(|(_, _, i)| pick(i)) {
        let (base_at, head_at) = issue.base_head();
        let site = |rev, at: &At| SiteRef::new(rev, &at.file, at.line, &at.item, SiteUse::Declares);
        let what = match b.kind {
            ContractKind::Event => format!("event `{}`", b.name),
            ContractKind::Payload => format!("the JSON in `{}`", b.name),
        };
        let field = if issue.path.is_empty() { String::new() } else { format!(", `{}`", issue.path) };
        let message = format!(
            "{what}{field}: {} (N-1: {}:{} `{}`; N: {}:{} `{}`)",
            issue.detail, base_at.file, base_at.line, base_at.item, head_at.file, head_at.line, head_at.item
        );
        let column = (!issue.path.is_empty()).then_some(issue.path.as_str());
        out.push(
            Finding::new(meta, b.name.clone(), column)
                .message(message)
                .help(help(&issue))
                // N's site first: the renderers that show one place (GitHub, SARIF) put it on the change.
                .sites(vec![site(Revision::Head, head_at), site(Revision::Base, base_at)]),
        );
    }
}
