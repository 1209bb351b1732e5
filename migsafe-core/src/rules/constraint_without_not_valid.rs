//! PostgreSQL: ADD FOREIGN KEY / CHECK on a table that holds data, validated while locked.

use super::{existed_at, Category, Finding, RuleMeta};
use crate::check::Context;
use crate::diag::Severity;
use crate::schema::{Change, ConstraintKind, Event};
use crate::Dialect;

pub static META: RuleMeta = RuleMeta {
    id: "constraint-without-not-valid",
    category: Category::Hazard,
    dialects: &[Dialect::Postgres],
    severity: Severity::Warning,
    summary: "ADD FOREIGN KEY / CHECK without NOT VALID scans the table while holding a lock that blocks writes",
    explain: "\
Adding a FOREIGN KEY checks every existing row while holding SHARE ROW
EXCLUSIVE on both the table and the referenced table (their writes wait);
adding a CHECK scans the table under ACCESS EXCLUSIVE (reads wait too). On a
table created by the same change there is nothing to scan and nothing is
reported.

Instead, add the constraint `NOT VALID` (it is enforced for new writes at
once, with a brief lock) and validate it in a second statement: `VALIDATE
CONSTRAINT` scans under SHARE UPDATE EXCLUSIVE, which lets reads and writes
through.",
};

fn statement_body(e: &Event) -> String {
    let lines: Vec<&str> = e.statement.lines().filter(|l| !l.trim_start().starts_with("--")).collect();
    lines.join("\n").trim().trim_end_matches(';').trim().to_string()
}

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    for (_, e) in cx.pending_events() {
        let Change::ConstraintAdded { table, constraint, columns, not_valid: false, .. } = &e.change else { continue };
        if !matches!(constraint, ConstraintKind::ForeignKey | ConstraintKind::Check) || !existed_at(cx, table, e) {
            continue;
        }
        let col = if columns.len() == 1 { Some(columns[0].as_str()) } else { None };
        let (kind, lock) = match constraint {
            ConstraintKind::ForeignKey => {
                let refs =
                    cx.head.history.schema.tables.get(table).and_then(|t| t.foreign_keys.iter().find(|f| f.columns == *columns)).map(|f| f.references.clone());
                ("FOREIGN KEY", format!("SHARE ROW EXCLUSIVE on `{table}`{} (writes wait)", refs.map(|r| format!(" and `{r}`")).unwrap_or_default()))
            }
            _ => ("CHECK", format!("ACCESS EXCLUSIVE on `{table}` (reads and writes wait)")),
        };
        let Change::ConstraintAdded { name, .. } = &e.change else { continue };
        let name = name.clone().unwrap_or_else(|| "<name>".to_string());
        let body = statement_body(e);
        out.push(
            Finding::new(&META, table, col)
                .at(e)
                .message(format!("{}:{} adds a {kind} constraint on `{table}` and validates every existing row at once, holding {lock}", e.at.file, e.at.line))
                .help("add it NOT VALID (enforced for new rows at once), then VALIDATE CONSTRAINT in a separate statement, which lets reads and writes through")
                .sql(format!("{body} NOT VALID;\nALTER TABLE {table} VALIDATE CONSTRAINT {name};")),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{keys, run};
    use crate::Dialect;

    const V1: (&str, &str) = ("V1__t.sql", "CREATE TABLE u (id INT PRIMARY KEY);\nCREATE TABLE t (id INT PRIMARY KEY, u_id INT, n INT);");

    #[test]
    fn fires_on_a_foreign_key_and_a_check() {
        let v2 =
            ("V2__x.sql", "ALTER TABLE t ADD CONSTRAINT t_u_fk FOREIGN KEY (u_id) REFERENCES u (id);\nALTER TABLE t ADD CONSTRAINT t_n_pos CHECK (n > 0);");
        let r = run(Dialect::Postgres, (&[V1], ""), (&[V1, v2], ""));
        assert_eq!(keys(&r), ["constraint-without-not-valid warning t.u_id", "constraint-without-not-valid warning t."]);
        assert!(r.findings[0].safe_sql.as_deref().unwrap().ends_with("VALIDATE CONSTRAINT t_u_fk;"), "{:?}", r.findings[0].safe_sql);
    }

    #[test]
    fn quiet_with_not_valid_or_on_a_new_table() {
        let v2 = ("V2__x.sql", "ALTER TABLE t ADD CONSTRAINT t_u_fk FOREIGN KEY (u_id) REFERENCES u (id) NOT VALID;\nCREATE TABLE w (id INT, u_id INT);\nALTER TABLE w ADD CONSTRAINT w_fk FOREIGN KEY (u_id) REFERENCES u (id);");
        let r = run(Dialect::Postgres, (&[V1], ""), (&[V1, v2], ""));
        assert!(keys(&r).is_empty(), "{:?}", keys(&r));
    }
}
