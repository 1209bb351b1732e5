//! PostgreSQL: ALTER COLUMN TYPE that rewrites a table that holds data.

use super::{existed_at, Category, Finding, RuleMeta};
use crate::check::Context;
use crate::diag::Severity;
use crate::schema::{Change, Family, SqlType};
use crate::Dialect;

pub static META: RuleMeta = RuleMeta {
    id: "type-change-rewrites-table",
    category: Category::Hazard,
    dialects: &[Dialect::Postgres],
    severity: Severity::Warning,
    summary: "ALTER COLUMN TYPE rewrites the whole table (and its indexes) under an ACCESS EXCLUSIVE lock",
    explain: "\
On PostgreSQL, changing a column's type rewrites every row of the table and
rebuilds its indexes while holding an ACCESS EXCLUSIVE lock: no read and no
write of the table proceeds until it finishes. `integer` to `bigint` is the
classic case: a widening, yet a full rewrite.

Casts that are binary-coercible do not rewrite and are not reported:
`varchar(n)` to `varchar(m)` with m >= n, `varchar(n)` to `text` or to an
unbounded `varchar`, `numeric(p, s)` to `numeric(q, s)` with q >= p or to an
unbounded `numeric`, and `timestamp` to `timestamptz` (or back) after
`SET timezone = 'UTC'` in the same script (PostgreSQL 12+). A `USING col`
that only restates the column counts as no USING. A table created by the
same change is empty and not reported.

Instead, add a column of the new type, fill it from a trigger or from both
releases' writes, backfill the old rows in batches, switch reads, and drop
the old column in a later release.",
};

/// PostgreSQL changes the type without touching the rows.
pub(crate) fn binary_coercible(from: &SqlType, to: &SqlType) -> bool {
    if from.catalog == to.catalog && from.user_type == to.user_type && from.length == to.length && from.scale == to.scale {
        return true;
    }
    match (from.family, to.family) {
        (Family::Text { fixed: false }, Family::Text { fixed: false }) => match (from.length, to.length) {
            (_, None) => true,
            (Some(a), Some(b)) => a <= b,
            (None, Some(_)) => false,
        },
        (Family::Numeric, Family::Numeric) => match (from.length, to.length) {
            (_, None) => true,
            (Some(a), Some(b)) => a <= b && from.scale.unwrap_or(0) == to.scale.unwrap_or(0),
            (None, Some(_)) => false,
        },
        (Family::Bytes, Family::Bytes) => to.length.is_none(),
        _ => false,
    }
}

/// timestamp to timestamptz (or back): binary-compatible when the session time zone is UTC (PostgreSQL 12+).
fn timestamp_tz_change(from: &SqlType, to: &SqlType) -> bool {
    matches!((from.family, to.family), (Family::Timestamp { tz: a }, Family::Timestamp { tz: b }) if a != b)
}

/// The script sets the session time zone to UTC before statement `stmt`.
fn utc_before(cx: &Context, idx: usize, stmt: usize) -> bool {
    cx.head.history.events[idx]
        .events
        .iter()
        .any(|e| e.statement_index < stmt && matches!(e.change, Change::Setting { setting: crate::schema::Setting::TimeZone { utc: true } }))
}

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    for (idx, e) in cx.pending_events() {
        let Change::ColumnTypeChanged { table, column, from, to, using } = &e.change else { continue };
        if !existed_at(cx, table, e) || cx.base.history.schema.column(table, column).is_none() {
            continue;
        }
        let using = *using;
        if !using && (binary_coercible(from, to) || (timestamp_tz_change(from, to) && utc_before(cx, idx, e.statement_index))) {
            continue;
        }
        let why = if using { "a USING expression always rewrites" } else { "the cast is not binary-coercible" };
        out.push(
            Finding::new(&META, table, Some(column))
                .at(e)
                .message(format!(
                    "{}:{} changes `{table}.{column}` from `{}` to `{}`: {why}, so it takes ACCESS EXCLUSIVE on `{table}` and rewrites every row and index, blocking reads and writes until it finishes",
                    e.at.file, e.at.line, from.display(), to.display()
                ))
                .help(format!("add a `{}` column beside `{column}`, backfill it in batches, switch reads, and drop `{column}` in a later release", to.display()))
                .sql(format!(
                    "-- now (expand):\nALTER TABLE {table} ADD COLUMN {column}_new {};\n-- keep it filled (trigger, or both releases write it), then backfill in batches:\nUPDATE {table} SET {column}_new = {column} WHERE {column}_new IS NULL AND <key range>;\n-- later (contract), once no running release reads `{column}`:\nALTER TABLE {table} DROP COLUMN {column};\nALTER TABLE {table} RENAME COLUMN {column}_new TO {column};",
                    to.written
                )),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{keys, run};
    use crate::Dialect;

    const V1: (&str, &str) = ("V1__t.sql", "CREATE TABLE t (id INT PRIMARY KEY, code VARCHAR(16), amount NUMERIC(10, 2), n INT);");

    #[test]
    fn fires_on_int_to_bigint_and_using() {
        let v2 = ("V2__x.sql", "ALTER TABLE t ALTER COLUMN n TYPE BIGINT;\nALTER TABLE t ALTER COLUMN code TYPE VARCHAR(32) USING upper(code);");
        let r = run(Dialect::Postgres, (&[V1], ""), (&[V1, v2], ""));
        assert_eq!(keys(&r), ["type-change-rewrites-table warning t.n", "type-change-rewrites-table warning t.code"]);
        assert!(r.findings[0].message.contains("ACCESS EXCLUSIVE"));
    }

    #[test]
    fn characters_that_change_length_when_upper_cased_do_not_shift_using() {
        // Each used to panic (a slice off a char boundary or past the end) or read the wrong text.
        let v1 = ("V1__t.sql", "CREATE TABLE t (id INT PRIMARY KEY, \"ıd\" INT, code VARCHAR(16));");
        for pre in ["/* ı */", "/* ſſſſſſ */", "/* ﬀﬀﬀﬀﬀ */", "/* ΐ */", "/* ßßßßßßßßßß */"] {
            let trivial = format!("ALTER TABLE t {pre} ALTER COLUMN code TYPE VARCHAR(32) USING code;");
            let r = run(Dialect::Postgres, (&[v1], ""), (&[v1, ("V2__x.sql", &trivial)], ""));
            assert!(keys(&r).is_empty(), "{pre}: {:?}", keys(&r));
            let expr = format!("ALTER TABLE t {pre} ALTER COLUMN code TYPE VARCHAR(32) USING upper(code);");
            let r = run(Dialect::Postgres, (&[v1], ""), (&[v1, ("V2__x.sql", &expr)], ""));
            assert_eq!(keys(&r), ["type-change-rewrites-table warning t.code"], "{pre}");
        }
        // A column whose name holds such a character, restated by USING.
        let v2 = ("V2__x.sql", "ALTER TABLE t ALTER COLUMN \"ıd\" TYPE BIGINT USING \"ıd\";");
        let r = run(Dialect::Postgres, (&[v1], ""), (&[v1, v2], ""));
        assert_eq!(keys(&r), ["type-change-rewrites-table warning t.ıd"]);
        assert!(r.findings[0].message.contains("not binary-coercible"), "a restated column is no USING expression: {}", r.findings[0].message);
    }

    #[test]
    fn quiet_for_binary_coercible_casts_and_new_tables() {
        let v2 = ("V2__x.sql", "ALTER TABLE t ALTER COLUMN code TYPE VARCHAR(64);\nALTER TABLE t ALTER COLUMN code TYPE TEXT;\nALTER TABLE t ALTER COLUMN amount TYPE NUMERIC(12, 2);\nCREATE TABLE u (id INT);\nALTER TABLE u ALTER COLUMN id TYPE BIGINT;");
        let r = run(Dialect::Postgres, (&[V1], ""), (&[V1, v2], ""));
        assert!(keys(&r).is_empty(), "{:?}", keys(&r));
        let v1 = ("V1__t.sql", "CREATE TABLE t (id INT PRIMARY KEY, at TIMESTAMP);");
        let utc = ("V2__x.sql", "SET timezone = 'UTC';\nALTER TABLE t ALTER COLUMN at TYPE timestamptz USING at;");
        let r = run(Dialect::Postgres, (&[v1], ""), (&[v1, utc], ""));
        assert!(keys(&r).is_empty(), "{:?}", keys(&r));
        let local = ("V2__x.sql", "ALTER TABLE t ALTER COLUMN at TYPE timestamptz USING at;");
        let r = run(Dialect::Postgres, (&[v1], ""), (&[v1, local], ""));
        assert_eq!(keys(&r), ["type-change-rewrites-table warning t.at"]);
    }
}
