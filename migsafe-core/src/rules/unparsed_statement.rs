//! A statement of a pending migration (or of its undo) that the parser cannot read.

use super::{first_line, Category, Finding, RuleMeta};
use crate::check::Context;
use crate::diag::Severity;
use crate::schema::{Change, Event};

pub static META: RuleMeta = RuleMeta {
    id: "unparsed-statement",
    category: Category::Coverage,
    dialects: &crate::Dialect::ALL,
    severity: Severity::Error,
    summary: "a statement of a pending migration or of its undo script does not parse",
    explain: "\
migsafe reads every statement of the pending migrations to know what they do
to the schema. A statement its SQL parser cannot read (a typo, an unterminated
quote, or syntax the parser does not know yet) may drop or rename anything, so
nothing about it can be proven: the check reports it as an error, with the
file, the line and the parser's message.

Statements of migrations N-1 already applied are not held to this: the
database accepted them. Those are recorded as unmodelled (see
`unmodelled-statement`) and the check goes on.

To fix: correct the statement. When the database accepts it and only the
parser does not (a parser gap), review what it does by hand and say so on the
line before it with `-- migsafe:allow(unparsed-statement) <what it does>`
instead.",
};

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    let ups = cx.pending_events().map(|(_, e)| (e, "a pending migration"));
    let undos = cx.undos.iter().flat_map(|u| u.events.iter().map(|e| (e, "an undo script")));
    for (e, whose) in ups.chain(undos) {
        if let Some(f) = finding(cx, e, whose) {
            out.push(f);
        }
    }
}

fn finding(cx: &Context, e: &Event, whose: &str) -> Option<Finding> {
    let Change::Unparsed { message, error_at, names, .. } = &e.change else { return None };
    let dialect = cx.head.history.schema.dialect;
    let named = if names.is_empty() { String::new() } else { format!("; it names {}", names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")) };
    Some(
        Finding::new(&META, names.iter().find(|n| cx.head.history.schema.has_relation(n)).cloned().unwrap_or_default(), None)
            .at(e)
            .message(format!(
                "{}:{}:{}: this statement of {whose} does not parse as {dialect} SQL: {message} (`{}`): migsafe cannot tell what it changes{named}",
                error_at.file,
                error_at.line,
                error_at.column,
                first_line(e)
            ))
            .help("fix the statement; if the database accepts it as written, check what it does by hand and add `-- migsafe:allow(unparsed-statement) <what it does>` on the line before it"),
    )
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{compat_keys as keys, run};
    use crate::Dialect;

    const V1: (&str, &str) = ("V1__t.sql", "CREATE TABLE t (id INT PRIMARY KEY, note TEXT);");

    #[test]
    fn a_pending_typo_is_an_error_naming_file_line_and_message() {
        let v2 = ("V2__x.sql", "ALTER TABLE t ADD COLUMN n TEXT;\nALTER TABLE t ALTR COLUMN n SET DEFAULT '';");
        let r = run(Dialect::Postgres, (&[V1], ""), (&[V1, v2], ""));
        assert_eq!(keys(&r), ["unparsed-statement error t."]);
        let f = &r.findings[0];
        assert_eq!(f.migration.as_ref().map(|m| (m.file.as_str(), m.line)), Some(("migrations/V2__x.sql", 2)));
        assert!(f.message.starts_with("migrations/V2__x.sql:2:"), "{}", f.message);
        assert!(f.message.contains("Expected"), "{}", f.message);
    }

    #[test]
    fn a_tokenizer_error_after_a_set_is_not_swallowed() {
        // The file starts with SET: the whole file used to be one "session setting".
        let v2 = ("V2__x.sql", "SET lock_timeout = '1s';\nSELECT 'oops;\nALTER TABLE t DROP COLUMN note;\n");
        let r = run(Dialect::Postgres, (&[V1], "const Q: &str = sql!(\"SELECT note FROM t\");"), (&[V1, v2], ""));
        let k = keys(&r);
        assert!(k.contains(&"unparsed-statement error .".to_string()), "{k:?}");
        assert!(k.contains(&"dropped-column-in-use error t.note".to_string()), "{k:?}");
    }

    #[test]
    fn garbage_of_known_kinds_is_reported_and_an_allow_comment_excuses_it() {
        let v2 = ("V2__x.sql", "BEGIN garbage here;\nCOMMENT ON TABLE t IS;\nGRANT ALL ON;\nCREATE SCHEMA ((((;");
        let r = run(Dialect::Postgres, (&[V1], ""), (&[V1, v2], ""));
        assert_eq!(keys(&r).iter().filter(|k| k.starts_with("unparsed-statement error")).count(), 4, "{:?}", keys(&r));
        let v2 = ("V2__x.sql", "-- migsafe:allow(unparsed-statement) PostgreSQL 18 syntax, sets t.note NOT NULL\nALTER TABLE t ALTR COLUMN n SET DEFAULT '';");
        let r = run(Dialect::Postgres, (&[V1], ""), (&[V1, v2], ""));
        assert!(keys(&r).is_empty(), "{:?}", keys(&r));
        // A tokenizer error keeps the comments before its statement too.
        let v2 = (
            "V2__x.sql",
            "SELECT 1;\n-- migsafe:allow(unparsed-statement) reviewed: selects a constant\nSELECT 'unterminated;\nALTER TABLE t DROP COLUMN note;\n",
        );
        let r = run(Dialect::Postgres, (&[V1], ""), (&[V1, v2], ""));
        assert!(!keys(&r).iter().any(|k| k.starts_with("unparsed") || k.starts_with("unused")), "{:?}", keys(&r));
    }

    #[test]
    fn an_undo_that_does_not_parse_is_reported_and_not_reversible() {
        let v2 = ("V2__x.sql", "ALTER TABLE t ADD COLUMN n TEXT;");
        let u2 = ("U2__x.sql", "ALTR TABLE t DRP COLUMN n;");
        let r = run(Dialect::Postgres, (&[V1], ""), (&[V1, v2, u2], ""));
        assert_eq!(keys(&r), ["unparsed-statement error t."]);
        assert!(r.findings[0].message.contains("undo script"), "{}", r.findings[0].message);
        assert_eq!(r.findings[0].migration.as_ref().unwrap().file, "migrations/U2__x.sql");
        assert_eq!(r.migrations[0].class, crate::check::Reversibility::Irreversible, "{:?}", r.migrations[0]);
    }
}
