//! Applying migration statements to the [`Schema`], one at a time.
//!
//! [`analyze`] applies a whole folder and [`apply_script`] one script;
//! `Ctx::statement` dispatches each statement to what it changes: tables
//! (`table`), columns (`column`), constraints (`constraint`), indexes
//! (`index`), views (`view`), enum types and domains (`enum_type`),
//! functions and triggers (`routine`), rows (`data`). What differs between
//! databases is asked of the dialect's [`dialect::Semantics`]; what
//! sqlparser cannot parse is recovered by `sql::recover` and applied here.

mod column;
mod constraint;
mod data;
mod dialect;
mod enum_type;
mod index;
mod routine;
mod table;
mod view;

use super::events::{Inert, Setting, TxControl, UnmodelledKind};
use super::{Change, Event, Schema};
use crate::diag::{Diagnostic, Location};
use crate::ident::object_name;
use crate::migrations::{discover, Migration, MigrationSource, Script};
use crate::sql::recover::{self, classify_unparsed, named_objects, sqlite_type_spans, DeclaredType, Grammar};
use crate::sql::{for_each_statement, StatementBody};
use crate::Dialect;
use dialect::{semantics, Semantics};
use sqlparser::ast::{AlterIndexOperation, ObjectName, ObjectType, Statement};

/// The result of applying a whole migrations folder.
#[derive(Debug, Clone)]
pub struct History {
    pub migrations: Vec<Migration>,
    pub schema: Schema,
    /// Events of each migration's up script, in order.
    pub events: Vec<MigrationEvents>,
    pub diagnostics: Vec<Diagnostic>,
}

#[derive(Debug, Clone)]
pub struct MigrationEvents {
    pub migration: usize,
    /// Shared, not copied, when N-1's history is N's after its applied
    /// migrations (see [`super::pair`]): at 2,500 migrations a copy was
    /// ~13 MB of the run's peak.
    pub events: std::sync::Arc<Vec<Event>>,
}

impl History {
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.severity == crate::Severity::Error)
    }
    pub fn has_errors(&self) -> bool {
        self.errors().next().is_some()
    }
}

/// Discover, order and apply every migration of `src`.
pub fn analyze(dialect: Dialect, src: &MigrationSource) -> History {
    let (migrations, diagnostics) = discover(src);
    apply_migrations(dialect, migrations, diagnostics)
}

/// Apply discovered migrations, in order, to an empty schema (`diagnostics`:
/// discovery's, kept first).
pub(crate) fn apply_migrations(dialect: Dialect, migrations: Vec<Migration>, mut diagnostics: Vec<Diagnostic>) -> History {
    let mut schema = Schema::new(dialect);
    let mut events = Vec::with_capacity(migrations.len());
    for (i, m) in migrations.iter().enumerate() {
        let (ev, diags) = apply_script(&mut schema, &m.up);
        diagnostics.extend(diags);
        events.push(MigrationEvents { migration: i, events: std::sync::Arc::new(ev) });
    }
    History { migrations, schema, events, diagnostics }
}

/// Apply one script to `schema`, returning what happened and any problems.
pub fn apply_script(schema: &mut Schema, script: &Script) -> (Vec<Event>, Vec<Diagnostic>) {
    let dialect = schema.dialect;
    let mut events = Vec::new();
    let mut diags = Vec::new();
    let mut idx = 0;
    // Each statement is applied as soon as it is read: a large script's syntax trees are not all held at once.
    for_each_statement(dialect, &script.path, &script.text, script.first_line, |st| {
        let keeps_declared = semantics(dialect).keeps_declared_types();
        let declared = if keeps_declared { sqlite_type_spans(&st.text) } else { Vec::new() };
        let mut ctx = Ctx { schema: &mut *schema, at: st.location.clone(), text: st.text.to_uppercase(), declared, changes: Vec::new(), diags: Vec::new() };
        match &st.body {
            StatementBody::Parsed(p) => ctx.statement(&p.statement),
            // A tokenizer error: where the statement ends is a guess and its first words prove nothing.
            StatementBody::Error { location, message, tokenizer: true } => ctx.unparsed(&st.text, location, message, None),
            StatementBody::Error { location, message, tokenizer: false } => match classify_unparsed(&st.text) {
                Some((c, Grammar::Missing)) => ctx.changes.push(c),
                _ if keeps_declared && ctx.reparse_sqlite_type_names(&st.text) => {}
                _ if ctx.unparsed_alter_table(&st.text) => {}
                _ if ctx.drop_index_concurrently(&st.text) => {}
                _ if ctx.alter_index(&st.text) => {}
                // A kind sqlparser reads when it is well formed (COMMENT, GRANT, SET, …): this one is not.
                Some((c, Grammar::Known)) => ctx.unparsed(&st.text, location, message, Some(change_what(&c))),
                None => ctx.unparsed(&st.text, location, message, None),
            },
        }
        let Ctx { changes, diags: d, .. } = ctx;
        diags.extend(d);
        // One copy of the statement's text, shared by the events it had.
        let statement: Option<std::sync::Arc<str>> = (!changes.is_empty()).then(|| st.text.as_str().into());
        for change in changes {
            let statement = statement.clone().unwrap_or_default();
            events.push(Event { change, at: st.location.clone(), statement, statement_index: idx, comments: st.leading_comments.clone() });
        }
        idx += 1;
    });
    (events, diags)
}

fn change_what(c: &Change) -> String {
    match c {
        Change::NoSchemaEffect { what } => what.label().to_string(),
        Change::Unmodelled { what: kind } => kind.label().to_string(),
        _ => String::new(),
    }
}

/// What a `SET` sets, one per assignment.
fn settings(set: &sqlparser::ast::Set) -> Vec<Setting> {
    use sqlparser::ast::Set;
    let last = |n: &ObjectName| n.0.last().map(|p| p.to_string()).unwrap_or_default();
    match set {
        Set::SingleAssignment { variable, values, .. } => vec![Setting::named(&last(variable), values.first())],
        Set::ParenthesizedAssignments { variables, values } => variables.iter().enumerate().map(|(i, n)| Setting::named(&last(n), values.get(i))).collect(),
        Set::MultipleAssignments { assignments } => assignments.iter().map(|a| Setting::named(&last(&a.name), Some(&a.value))).collect(),
        Set::SetTimeZone { value, .. } => vec![Setting::named("timezone", Some(value))],
        _ => vec![Setting::Other],
    }
}

/// One statement being applied: the schema it changes and what it records.
struct Ctx<'a> {
    schema: &'a mut Schema,
    at: Location,
    /// The statement's text, upper-cased, for the few flags sqlparser drops.
    text: String,
    /// SQLite: the declared types of the columns this statement defines.
    declared: Vec<DeclaredType>,
    changes: Vec<Change>,
    diags: Vec<Diagnostic>,
}

impl Ctx<'_> {
    fn d(&self) -> Dialect {
        self.schema.dialect
    }

    /// The dialect's rules.
    fn sem(&self) -> &'static dyn Semantics {
        semantics(self.d())
    }

    fn name(&self, n: &ObjectName) -> String {
        object_name(self.d(), n)
    }

    fn warn(&mut self, msg: String) {
        self.diags.push(Diagnostic::warning(self.at.clone(), msg));
    }

    /// A no-op the model decides, described (`CREATE TABLE IF NOT EXISTS` on an existing table).
    fn no_effect(&mut self, what: &str) {
        self.inert(Inert::Other(what.to_string()));
    }

    /// A kind of statement that changes nothing the model holds.
    fn inert(&mut self, what: Inert) {
        self.changes.push(Change::NoSchemaEffect { what });
    }

    /// Something the model cannot follow, with why.
    fn unmodelled(&mut self, what: &str, reason: &str) {
        self.unmodelled_kind(UnmodelledKind::Other { what: what.to_string(), reason: reason.to_string() });
    }

    fn unmodelled_kind(&mut self, kind: UnmodelledKind) {
        self.changes.push(Change::Unmodelled { what: kind });
    }

    fn statement(&mut self, s: &Statement) {
        match s {
            Statement::CreateTable(ct) => self.create_table(ct),
            Statement::AlterTable(at) => self.alter_table(at),
            Statement::CreateIndex(ci) => self.create_index(ci),
            Statement::AlterIndex { name, operation: AlterIndexOperation::RenameIndex { index_name } } => self.rename_index(name, index_name, false),
            Statement::Drop { object_type, if_exists, names, cascade, table, .. } => {
                for n in names {
                    self.drop(*object_type, n, *if_exists, *cascade, table.as_ref());
                }
            }
            Statement::CreateView(cv) => self.create_view(cv),
            Statement::AlterView(av) => self.alter_view(av),
            Statement::CreateType { name, representation } => self.create_type(name, representation.as_ref()),
            Statement::AlterType(at) => self.alter_type(at),
            Statement::CreateDomain(cd) => self.create_domain(cd),
            Statement::RenameTable(renames) => {
                for r in renames {
                    let from = self.name(&r.old_name);
                    if self.schema.tables.contains_key(&from) {
                        self.rename_table(&from, &r.new_name);
                    } else {
                        self.missing(&from, "table");
                    }
                }
            }
            Statement::Insert(_) | Statement::Update(_) | Statement::Delete(_) => self.data(s),
            Statement::Query(_) => self.unmodelled_kind(UnmodelledKind::Select),
            Statement::CreateFunction(cf) => {
                self.create_function(cf);
                self.unmodelled_kind(UnmodelledKind::Function)
            }
            Statement::DropFunction(df) => {
                self.drop_function(df);
                self.unmodelled_kind(UnmodelledKind::Function)
            }
            Statement::CreateTrigger(ct) => {
                self.create_trigger(ct);
                self.unmodelled_kind(UnmodelledKind::Trigger)
            }
            Statement::DropTrigger(dt) => {
                self.drop_trigger(dt);
                self.unmodelled_kind(UnmodelledKind::Trigger)
            }
            Statement::CreateProcedure { .. } | Statement::DropProcedure { .. } | Statement::AlterFunction(_) => self.unmodelled_kind(UnmodelledKind::Function),
            Statement::CreatePolicy(_) | Statement::DropPolicy(_) | Statement::AlterPolicy(_) => self.unmodelled_kind(UnmodelledKind::RuleOrPolicy),
            Statement::Comment { .. } => self.inert(Inert::Comment),
            Statement::Grant(_) | Statement::Revoke(_) => self.inert(Inert::Privileges),
            Statement::StartTransaction { .. } => self.changes.push(Change::Transaction { control: TxControl::Begin }),
            Statement::Commit { .. } => self.changes.push(Change::Transaction { control: TxControl::Commit }),
            Statement::Rollback { savepoint: Some(_), .. } | Statement::Savepoint { .. } | Statement::ReleaseSavepoint { .. } => {
                self.changes.push(Change::Transaction { control: TxControl::Savepoint })
            }
            Statement::Rollback { .. } => self.changes.push(Change::Transaction { control: TxControl::Rollback }),
            Statement::Set(set) => match self.sem().refuses_set() {
                Some(why) => {
                    let (text, at) = (self.text.to_string(), self.at.clone());
                    self.unparsed(&text, &at, why, Some("SET".into()))
                }
                None => {
                    for setting in settings(set) {
                        self.changes.push(Change::Setting { setting });
                    }
                }
            },
            Statement::Pragma { .. } => self.changes.push(Change::Setting { setting: Setting::Pragma }),
            Statement::CreateSchema { .. } => self.inert(Inert::Schema),
            Statement::CreateSequence { .. } => self.inert(Inert::Sequence),
            Statement::Analyze(_) | Statement::Vacuum(_) => self.inert(Inert::Maintenance),
            Statement::Truncate(t) => self.truncate(t),
            Statement::CreateExtension(_) | Statement::DropExtension(_) => self.inert(Inert::Extension),
            Statement::CreateOperator(_) | Statement::CreateOperatorFamily(_) | Statement::CreateOperatorClass(_) => self.inert(Inert::ObjectWithoutData),
            Statement::RefreshMaterializedView(_) => self.inert(Inert::RefreshView),
            Statement::LISTEN { .. } | Statement::UNLISTEN { .. } | Statement::NOTIFY { .. } => self.inert(Inert::Notification),
            Statement::Prepare { .. } | Statement::Execute { .. } => self.unmodelled_kind(UnmodelledKind::DynamicSql),
            Statement::Deallocate { .. } => self.inert(Inert::Deallocate),
            // The statements above and the first words of an unparsed one name kinds through the same
            // `Inert` / `UnmodelledKind`, so the labels agree; what else parses is classified by its words.
            other => {
                let text = other.to_string();
                match classify_unparsed(&text) {
                    Some((c, _)) => self.changes.push(c),
                    None => {
                        let kind: String = text.split_whitespace().take(3).collect::<Vec<_>>().join(" ");
                        self.unmodelled(&kind, "migsafe does not model this kind of statement")
                    }
                }
            }
        }
    }

    /// `DROP <kind> name`, by what the kind holds.
    fn drop(&mut self, ty: ObjectType, n: &ObjectName, if_exists: bool, cascade: bool, on_table: Option<&ObjectName>) {
        let key = self.name(n);
        match ty {
            ObjectType::Table => self.drop_table(key, if_exists, cascade),
            ObjectType::View | ObjectType::MaterializedView => self.drop_view(key, if_exists),
            ObjectType::Index => self.drop_index(key, on_table),
            ObjectType::Type => self.drop_type(key),
            ObjectType::Schema => self.drop_schema(&key),
            _ => self.no_effect("DROP of an object that holds no rows"),
        }
    }

    /// A statement no grammar and no recovery reads: recorded with what it
    /// names, reported as a warning here (whether it stops a check depends on
    /// whether its migration is pending: see the `unparsed-statement` rule).
    fn unparsed(&mut self, text: &str, error_at: &Location, message: &str, what: Option<String>) {
        let d = self.d();
        let names = named_objects(d, text);
        let what = what.filter(|w| !w.is_empty()).unwrap_or_else(|| {
            let words: Vec<String> =
                text.split_whitespace().take_while(|w| w.chars().all(|c| c.is_ascii_alphabetic())).take(2).map(str::to_uppercase).collect();
            if words.is_empty() {
                "statement".to_string()
            } else {
                words.join(" ")
            }
        });
        let named =
            if names.is_empty() { String::new() } else { format!(" (it names {})", names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")) };
        self.diags.push(Diagnostic::warning(
            error_at.clone(),
            format!("this statement does not parse as {d} SQL: {message}; what it changes is not modelled{named}"),
        ));
        self.schema.unread.push(super::Unread { at: self.at.clone(), names: names.clone() });
        self.changes.push(Change::Unparsed { what, message: message.to_string(), error_at: error_at.clone(), names });
    }

    /// SQLite's many-word type names (`UNSIGNED BIG INT`), joined to parse
    /// ([`recover::join_sqlite_type_names`]); the declared text is kept for the catalog.
    fn reparse_sqlite_type_names(&mut self, text: &str) -> bool {
        let Some(s) = recover::join_sqlite_type_names(&self.declared, text) else { return false };
        self.statement(&s);
        true
    }

    fn missing(&mut self, key: &str, what: &str) {
        let why = match self.schema.removal(key, None) {
            Some(r) => format!(" (it was removed at {}:{})", r.at.file, r.at.line),
            None => " (perhaps created by a statement migsafe does not model)".to_string(),
        };
        self.warn(format!("{what} `{key}` does not exist at this point{why}"));
        self.unmodelled(&format!("{what} {key}"), &format!("{what} `{key}` is not in the schema model"));
    }

    /// The key a rename target gets: PostgreSQL keeps the table in its schema.
    fn renamed_key(&self, from: &str, to: &ObjectName) -> String {
        let new = self.name(to);
        if to.0.len() == 1 {
            if let Some((schema, _)) = from.rsplit_once('.') {
                return format!("{schema}.{new}");
            }
        }
        new
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn run(dialect: Dialect, sql: &str) -> (Schema, Vec<Diagnostic>) {
        let mut schema = Schema::new(dialect);
        let script = Script { path: "m.sql".into(), text: sql.into(), first_line: 1 };
        let (_, diags) = apply_script(&mut schema, &script);
        (schema, diags)
    }

    pub(super) fn col(s: &Schema, t: &str, c: &str) -> (String, bool) {
        let c = s.column(t, c).unwrap_or_else(|| panic!("no column {t}.{c}"));
        (c.ty.catalog.clone(), c.nullable)
    }

    pub(super) fn changes(dialect: Dialect, sql: &str) -> Vec<Change> {
        let mut schema = Schema::new(dialect);
        let script = Script { path: "m.sql".into(), text: sql.into(), first_line: 1 };
        apply_script(&mut schema, &script).0.into_iter().map(|e| e.change).collect()
    }

    #[test]
    fn a_kind_is_labelled_the_same_whether_or_not_sqlparser_parses_it() {
        let kinds = |sql: &str| -> Vec<Change> {
            let mut s = Schema::new(Dialect::Postgres);
            let (events, _) = apply_script(&mut s, &Script { path: "m.sql".into(), text: sql.into(), first_line: 1 });
            events.into_iter().map(|e| e.change).collect()
        };
        // Parsed (COMMENT ON TABLE) and recovered from the first words (COMMENT ON FUNCTION f(int)).
        assert_eq!(kinds("COMMENT ON TABLE t IS 'x'; COMMENT ON FUNCTION f(int) IS 'x';"), vec![Change::NoSchemaEffect { what: Inert::Comment }; 2]);
        // A policy sqlparser reads and a rule it does not: one kind, one label and reason.
        let c = kinds("CREATE TABLE t (id int); CREATE POLICY p ON t USING (true); CREATE RULE r AS ON INSERT TO t DO INSTEAD NOTHING;");
        assert_eq!(c[1..], [Change::Unmodelled { what: UnmodelledKind::RuleOrPolicy }, Change::Unmodelled { what: UnmodelledKind::RuleOrPolicy }], "{c:?}");
        assert_eq!(
            kinds("CREATE EXTENSION IF NOT EXISTS pgcrypto; ALTER EXTENSION pgcrypto UPDATE;"),
            vec![Change::NoSchemaEffect { what: Inert::Extension }; 2]
        );
    }

    #[test]
    fn a_statement_nothing_reads_is_an_unparsed_event_naming_what_its_tokens_show() {
        let c = changes(
            Dialect::Postgres,
            "CREATE TABLE t (a int);\nALTER TABLE IF EXISTS ONLY public.t FROB COLUMN \"A\";\nDROP INDEX CONCURRENTLY IF EXISTS idx FROB;",
        );
        let unparsed: Vec<(&str, &Vec<String>)> = c
            .iter()
            .filter_map(|c| match c {
                Change::Unparsed { what, names, .. } => Some((what.as_str(), names)),
                _ => None,
            })
            .collect();
        assert_eq!(unparsed.len(), 2, "{c:?}");
        assert_eq!(unparsed[0], ("ALTER TABLE", &vec!["t".to_string(), "A".to_string()]));
        assert_eq!(unparsed[1].1, &vec!["idx".to_string()]);
        // A kind sqlparser reads when well formed, but broken, is unparsed too (not "no effect").
        let c = changes(Dialect::Postgres, "COMMENT ON TABLE t IS;\nGRANT ALL ON;\nCREATE TRIGGER x AFTER INSERT ON t EXECUTE PROCEDURE f(;");
        assert!(matches!(&c[0], Change::Unparsed { what, .. } if what == "COMMENT"), "{c:?}");
        assert!(matches!(&c[1], Change::Unparsed { what, .. } if what == "privileges"), "{c:?}");
        assert!(matches!(&c[2], Change::Unmodelled { what: UnmodelledKind::Trigger }), "{c:?}");
        // Valid PostgreSQL that sqlparser's COMMENT, GRANT, SET and VACUUM grammars miss is what it says.
        let c = changes(
            Dialect::Postgres,
            "COMMENT ON FUNCTION f(int) IS 'x';\nCOMMENT ON CONSTRAINT c ON t IS NULL;\nGRANT USAGE ON TYPE ty TO u;\nREVOKE USAGE ON LANGUAGE plpgsql FROM u;\nSET CONSTRAINTS ALL DEFERRED;\nVACUUM (VERBOSE, ANALYZE) t;\nCREATE statistics s_stat ON (a IS NULL), (b IS NULL) FROM t;\nDROP STATISTICS IF EXISTS s_stat;",
        );
        assert!(c.iter().all(|c| matches!(c, Change::NoSchemaEffect { .. } | Change::Setting { .. })), "{c:?}");
        // A tokenizer error: its first word proves nothing.
        let c = changes(Dialect::Postgres, "SET x = 'unterminated;\nDROP TABLE t;");
        assert!(matches!(&c[0], Change::Unparsed { .. }), "{c:?}");
    }

    #[test]
    fn set_is_a_session_setting_except_in_sqlite_which_has_none() {
        for d in [Dialect::Postgres, Dialect::Mysql] {
            let c = changes(d, "SET lock_timeout = 5;\nSET search_path = x;");
            assert_eq!(c, [Change::Setting { setting: Setting::LockTimeout }, Change::Setting { setting: Setting::Other }], "{d}");
        }
        let c = changes(
            Dialect::Postgres,
            "SET TIME ZONE 'UTC';\nSET timezone TO 'Europe/Paris';\nSET LOCAL lock_timeout TO '5s';\nBEGIN;\nSAVEPOINT a;\nROLLBACK TO SAVEPOINT a;\nCOMMIT;",
        );
        assert_eq!(
            c,
            [
                Change::Setting { setting: Setting::TimeZone { utc: true } },
                Change::Setting { setting: Setting::TimeZone { utc: false } },
                Change::Setting { setting: Setting::LockTimeout },
                Change::Transaction { control: TxControl::Begin },
                Change::Transaction { control: TxControl::Savepoint },
                Change::Transaction { control: TxControl::Savepoint },
                Change::Transaction { control: TxControl::Commit },
            ]
        );
        let c = changes(Dialect::Sqlite, "SET lock_timeout = 5;\nPRAGMA foreign_keys = ON;");
        assert!(matches!(&c[0], Change::Unparsed { what, message, .. } if what == "SET" && message.contains("SQLite has no SET")), "{c:?}");
        assert!(matches!(&c[1], Change::Setting { setting: Setting::Pragma }), "{c:?}");
    }
}
