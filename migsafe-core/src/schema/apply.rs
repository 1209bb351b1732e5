//! Applying migration statements to the [`Schema`], one at a time.

use super::events::{AlterAlgorithm, AlterLock, ConstraintKind, DataVerb, Setting, TableOption, TxControl};
use super::types::{normalize, Family};
use super::{Change, Column, EnumType, Event, ForeignKey, Index, Removal, Schema, Table, View};
use crate::diag::{Diagnostic, Location};
use crate::footprint::{analyze_statement, Access};
use crate::ident::{ident, object_name, qualify};
use crate::migrations::{discover, Migration, MigrationSource, Script};
use crate::sql::recover::{
    self, classify_unparsed, named_objects, sqlite_type_spans, AlterAction, AlterIndex as RecoveredAlterIndex, DeclaredType, Grammar, WHY_FUNCTION, WHY_SELECT,
    WHY_TRIGGER,
};
use crate::sql::{for_each_statement, StatementBody};
use crate::Dialect;
use sqlparser::ast::{
    AlterColumnOperation, AlterIndexOperation, AlterTableOperation, AlterTypeAddValuePosition, AlterTypeOperation, AlterView, AlterViewOperation, ColumnDef,
    ColumnOption, CreateIndex, CreateTable, DataType, Expr, GeneratedAs, ObjectName, ObjectType, RenameTableNameKind, SqliteTableOption, Statement,
    TableConstraint, UserDefinedTypeRepresentation,
};
use sqlparser::tokenizer::Token;

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
    pub events: Vec<Event>,
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
    let (migrations, mut diagnostics) = discover(src);
    let mut schema = Schema::new(dialect);
    let mut events = Vec::new();
    for (i, m) in migrations.iter().enumerate() {
        let (ev, diags) = apply_script(&mut schema, &m.up);
        diagnostics.extend(diags);
        events.push(MigrationEvents { migration: i, events: ev });
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
        let declared = if dialect == Dialect::Sqlite { sqlite_type_spans(&st.text) } else { Vec::new() };
        let mut ctx = Ctx { schema: &mut *schema, at: st.location.clone(), text: st.text.to_uppercase(), declared, changes: Vec::new(), diags: Vec::new() };
        match &st.body {
            StatementBody::Parsed(p) => ctx.statement(&p.statement),
            // A tokenizer error: where the statement ends is a guess and its first words prove nothing.
            StatementBody::Error { location, message, tokenizer: true } => ctx.unparsed(&st.text, location, message, None),
            StatementBody::Error { location, message, tokenizer: false } => match classify_unparsed(&st.text) {
                Some((c, Grammar::Missing)) => ctx.changes.push(c),
                _ if dialect == Dialect::Sqlite && ctx.reparse_sqlite_type_names(&st.text) => {}
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
        for change in changes {
            events.push(Event { change, at: st.location.clone(), statement: st.text.clone(), statement_index: idx, comments: st.leading_comments.clone() });
        }
        idx += 1;
    });
    (events, diags)
}

fn change_what(c: &Change) -> String {
    match c {
        Change::NoSchemaEffect { what } | Change::Unmodelled { what, .. } => what.clone(),
        _ => String::new(),
    }
}

/// `USING col` or `USING col::type` (or `CAST(col AS type)`): the plain cast, not an expression.
fn is_column_or_its_cast(d: Dialect, e: &Expr, column: &str) -> bool {
    match e {
        Expr::Identifier(i) => ident(d, i) == column,
        Expr::CompoundIdentifier(parts) => parts.last().is_some_and(|i| ident(d, i) == column),
        Expr::Nested(inner) | Expr::Cast { expr: inner, .. } => is_column_or_its_cast(d, inner, column),
        _ => false,
    }
}

/// The columns a CHECK expression proves NOT NULL: `c IS NOT NULL`, and each side of an AND.
fn not_null_columns(d: Dialect, e: &Expr) -> Vec<String> {
    match e {
        Expr::IsNotNull(inner) => match inner.as_ref() {
            Expr::Identifier(i) => vec![ident(d, i)],
            Expr::CompoundIdentifier(parts) => parts.last().map(|i| vec![ident(d, i)]).unwrap_or_default(),
            _ => Vec::new(),
        },
        Expr::Nested(inner) => not_null_columns(d, inner),
        Expr::BinaryOp { left, op: sqlparser::ast::BinaryOperator::And, right } => {
            let mut v = not_null_columns(d, left);
            v.extend(not_null_columns(d, right));
            v
        }
        _ => Vec::new(),
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

/// Functions whose value differs per row: a column added with such a default rewrites the table.
const VOLATILE: &[&str] = &["random", "gen_random_uuid", "uuid_generate_v4", "uuid_generate_v1", "clock_timestamp", "nextval", "timeofday", "uuid"];

fn is_volatile(e: &Expr) -> bool {
    let s = e.to_string().to_lowercase();
    VOLATILE.iter().any(|f| s.contains(&format!("{f}(")))
}

impl<'a> Ctx<'a> {
    fn d(&self) -> Dialect {
        self.schema.dialect
    }

    fn name(&self, n: &ObjectName) -> String {
        object_name(self.d(), n)
    }

    fn warn(&mut self, msg: String) {
        self.diags.push(Diagnostic::warning(self.at.clone(), msg));
    }

    fn no_effect(&mut self, what: &str) {
        self.changes.push(Change::NoSchemaEffect { what: what.to_string() });
    }

    fn unmodelled(&mut self, what: &str, reason: &str) {
        self.changes.push(Change::Unmodelled { what: what.to_string(), reason: reason.to_string() });
    }

    fn statement(&mut self, s: &Statement) {
        match s {
            Statement::CreateTable(ct) => self.create_table(ct),
            Statement::AlterTable(at) => {
                let key = self.name(&at.name);
                if !self.schema.tables.contains_key(&key) {
                    if self.schema.views.contains_key(&key) {
                        for op in &at.operations {
                            if let AlterTableOperation::RenameTable { table_name: RenameTableNameKind::To(n) | RenameTableNameKind::As(n) } = op {
                                self.rename_view(&key, n);
                            }
                        }
                        return;
                    }
                    if at.if_exists {
                        self.no_effect("ALTER TABLE IF EXISTS on a missing table");
                    } else {
                        self.missing(&key, "table");
                    }
                    return;
                }
                for op in &at.operations {
                    self.alter_table_op(&key, op);
                }
            }
            Statement::CreateIndex(ci) => self.create_index(ci),
            Statement::AlterIndex { name, operation: AlterIndexOperation::RenameIndex { index_name } } => self.rename_index(name, index_name, false),
            Statement::Drop { object_type, if_exists, names, cascade, table, .. } => {
                for n in names {
                    self.drop(*object_type, n, *if_exists, *cascade, table.as_ref());
                }
            }
            Statement::CreateView(cv) => {
                let key = self.name(&cv.name);
                let fp = analyze_statement(self.d(), self.schema, &Statement::Query(cv.query.clone()));
                let columns = if cv.columns.is_empty() { fp.output.clone() } else { cv.columns.iter().map(|c| ident(self.d(), &c.name)).collect() };
                let reads =
                    fp.columns.iter().filter(|u| u.access == Access::Read || u.access == Access::Filter).map(|u| (u.table.clone(), u.column.clone())).collect();
                if let Some(issue) = fp.issues.first() {
                    self.warn(format!("view `{key}`: {}", issue.message()));
                }
                let writes_to = if cv.materialized { None } else { self.view_writes_to(&cv.query) };
                self.schema
                    .views
                    .insert(key.clone(), View { name: key.clone(), materialized: cv.materialized, columns, reads, writes_to, created: self.at.clone() });
                self.changes.push(Change::ViewCreated { view: key, materialized: cv.materialized });
            }
            Statement::AlterView(av) => self.alter_view(av),
            Statement::CreateType { name, representation } => {
                let key = self.name(name);
                match representation {
                    Some(UserDefinedTypeRepresentation::Enum { labels }) => {
                        let values = labels.iter().map(|l| l.value.clone()).collect();
                        self.schema.enums.insert(key.clone(), EnumType { name: key.clone(), values, created: self.at.clone() });
                        self.changes.push(Change::EnumCreated { ty: key });
                    }
                    _ => self.no_effect("composite or range type"),
                }
            }
            Statement::AlterType(at) => self.alter_type(at),
            Statement::CreateDomain(cd) => {
                // A domain behaves as its base type in the catalog.
                let key = self.name(&cd.name);
                let ty = normalize(self.d(), &cd.data_type.to_string());
                self.schema.domains.insert(key, ty);
                self.no_effect("domain");
            }
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
            Statement::Query(_) => self.unmodelled("SELECT", WHY_SELECT),
            Statement::CreateFunction(cf) => {
                self.create_function(cf);
                self.unmodelled("function", WHY_FUNCTION)
            }
            Statement::DropFunction(df) => {
                // The triggers that run it go too (PostgreSQL refuses the drop
                // without CASCADE, and CASCADE drops them).
                for f in &df.func_desc {
                    let key = self.routine_key(&f.name);
                    self.schema.functions.remove(&key);
                    self.schema.insert_triggers.retain(|t| t.action != super::triggers::TriggerAction::Function(key.clone()));
                }
                self.unmodelled("function", WHY_FUNCTION)
            }
            Statement::CreateTrigger(ct) => {
                self.create_trigger(ct);
                self.unmodelled("trigger", WHY_TRIGGER)
            }
            Statement::DropTrigger(dt) => {
                let name = self.routine_key(&dt.trigger_name);
                let table = dt.table_name.as_ref().map(|t| self.name(t));
                self.schema.insert_triggers.retain(|t| !(t.name == name && table.as_ref().is_none_or(|tb| *tb == t.table)));
                self.unmodelled("trigger", WHY_TRIGGER)
            }
            Statement::CreateProcedure { .. } | Statement::DropProcedure { .. } | Statement::AlterFunction(_) => self.unmodelled("function", WHY_FUNCTION),
            Statement::CreatePolicy(_) | Statement::DropPolicy(_) | Statement::AlterPolicy(_) => {
                self.unmodelled("policy", "row-level policies are not modelled: they can change which rows and writes succeed")
            }
            Statement::Comment { .. } => self.no_effect("COMMENT"),
            Statement::Grant(_) | Statement::Revoke(_) => self.no_effect("privileges"),
            Statement::StartTransaction { .. } => self.changes.push(Change::Transaction { control: TxControl::Begin }),
            Statement::Commit { .. } => self.changes.push(Change::Transaction { control: TxControl::Commit }),
            Statement::Rollback { savepoint: Some(_), .. } | Statement::Savepoint { .. } | Statement::ReleaseSavepoint { .. } => {
                self.changes.push(Change::Transaction { control: TxControl::Savepoint })
            }
            Statement::Rollback { .. } => self.changes.push(Change::Transaction { control: TxControl::Rollback }),
            // SQLite has no SET: sqlite3 stops the migration there ("near \"SET\": syntax error").
            Statement::Set(_) if self.d() == Dialect::Sqlite => {
                let (text, at) = (self.text.to_string(), self.at.clone());
                self.unparsed(
                    &text,
                    &at,
                    "SQLite has no SET statement (sqlite3 refuses it: near \"SET\": syntax error); its settings are PRAGMAs",
                    Some("SET".into()),
                )
            }
            Statement::Set(set) => {
                for setting in settings(set) {
                    self.changes.push(Change::Setting { setting });
                }
            }
            Statement::Pragma { .. } => self.changes.push(Change::Setting { setting: Setting::Pragma }),
            Statement::CreateSchema { .. } => self.no_effect("schema"),
            Statement::CreateSequence { .. } => self.no_effect("sequence"),
            Statement::Analyze(_) | Statement::Vacuum(_) => self.no_effect("maintenance"),
            Statement::Truncate(t) => {
                for tn in &t.table_names {
                    let key = self.name(&tn.name);
                    self.changes.push(Change::DataChange { table: key, verb: DataVerb::Truncate, columns: vec![], values: vec![], whole_table: true });
                }
            }
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

    /// An `ALTER TABLE` that sqlparser cannot parse as a whole, read action
    /// by action ([`recover::split_alter_table`]). Applies nothing and
    /// returns false unless every action is understood.
    fn unparsed_alter_table(&mut self, text: &str) -> bool {
        let Some(split) = recover::split_alter_table(self.d(), text) else { return false };
        let key = self.name(&split.name);
        if !self.schema.tables.contains_key(&key) {
            if split.if_exists {
                self.no_effect("ALTER TABLE IF EXISTS on a missing table");
            } else {
                self.missing(&key, "table");
            }
            return true;
        }
        let at = self.at.clone();
        for action in split.actions {
            match action {
                AlterAction::NoEffect => self.no_effect("constraint or storage option"),
                AlterAction::Option(option) => self.changes.push(Change::TableOption { table: key.clone(), option }),
                AlterAction::DropExpression(col) | AlterAction::DropIdentity(col) if self.schema.column(&key, &col).is_none() => {
                    self.warn(format!("column `{col}` does not exist in `{key}`"));
                }
                AlterAction::DropExpression(col) => {
                    if let Some(c) = self.schema.tables.get_mut(&key).and_then(|t| t.column_mut(&col)) {
                        c.generated = false;
                        c.changed = Some(at.clone());
                    }
                    self.no_effect("DROP EXPRESSION");
                }
                AlterAction::DropIdentity(col) => {
                    if let Some(c) = self.schema.tables.get_mut(&key).and_then(|t| t.column_mut(&col)) {
                        c.identity = false;
                        c.changed = Some(at.clone());
                    }
                    self.no_effect("DROP IDENTITY");
                }
                AlterAction::Ops(ops) => {
                    for op in &ops {
                        if self.schema.tables.contains_key(&key) {
                            self.alter_table_op(&key, op);
                        }
                    }
                }
            }
        }
        true
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

    /// `ALTER INDEX [IF EXISTS] name …` that sqlparser does not read
    /// ([`recover::alter_index`]): a rename is applied; the other actions
    /// change no column.
    fn alter_index(&mut self, text: &str) -> bool {
        match recover::alter_index(self.d(), text) {
            Some(RecoveredAlterIndex::Rename { name, to, if_exists }) => self.rename_index(&name, &to, if_exists),
            Some(RecoveredAlterIndex::StorageOption) => self.no_effect("index storage option"),
            None => return false,
        }
        true
    }

    fn rename_index(&mut self, name: &ObjectName, to: &ObjectName, if_exists: bool) {
        let from = self.name(name);
        let to = self.renamed_key(&from, to);
        match self.schema.indexes.remove(&from) {
            Some(mut i) => {
                i.name = to.clone();
                let table = Some(i.table.clone());
                self.schema.indexes.insert(to.clone(), i);
                self.changes.push(Change::IndexRenamed { from, to, table });
            }
            // A constraint's index (`…_pkey`, `…_key`) or one IF EXISTS skips: nothing the model holds.
            None if if_exists => self.no_effect("ALTER INDEX IF EXISTS on an index the model does not hold"),
            None => self.changes.push(Change::IndexRenamed { from, to, table: None }),
        }
    }

    /// `DROP INDEX CONCURRENTLY …`, which sqlparser does not parse, applied
    /// without the keyword (`self.text` keeps it, so the event records it).
    fn drop_index_concurrently(&mut self, text: &str) -> bool {
        let Some(s) = recover::drop_index_without_concurrently(self.d(), text) else { return false };
        self.statement(&s);
        true
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

    fn column_type(&self, dt: &DataType) -> super::SqlType {
        let written = dt.to_string();
        let mut ty = normalize(self.d(), &written);
        let bare = written.trim_end_matches("[]");
        let key = crate::ident::annotation_name(self.d(), bare);
        if ty.family != Family::Array {
            if self.schema.enums.contains_key(&key) {
                ty.family = Family::Enum;
                ty.catalog = "USER-DEFINED".into();
                ty.user_type = Some(key);
            } else if let Some(dom) = self.schema.domains.get(&key) {
                let mut t = dom.clone();
                t.written = written.clone();
                ty = t;
            }
        }
        ty
    }

    fn new_column(
        &mut self,
        def: &ColumnDef,
        table_pk: &mut Vec<String>,
        uniques: &mut Vec<Vec<String>>,
        fks: &mut Vec<ForeignKey>,
        checks: &mut Vec<String>,
    ) -> Column {
        let d = self.d();
        let name = ident(d, &def.name);
        let mut ty = self.column_type(&def.data_type);
        if let Some(decl) = self.declared.iter().find(|t| t.column == name) {
            ty = normalize(d, &decl.text);
        }
        let upper = ty.written.to_uppercase();
        let serial = d == Dialect::Postgres && upper.contains("SERIAL") || d == Dialect::Mysql && upper == "SERIAL";
        let mut col =
            Column { name: name.clone(), ty, nullable: true, default: None, identity: serial, generated: false, created: self.at.clone(), changed: None };
        if serial {
            col.nullable = false;
        }
        let mut pk = false;
        for opt in &def.options {
            match &opt.option {
                ColumnOption::NotNull => col.nullable = false,
                ColumnOption::Null => col.nullable = true,
                ColumnOption::Default(e) => col.default = Some(e.to_string()),
                ColumnOption::PrimaryKey(_) => pk = true,
                ColumnOption::Unique(_) => uniques.push(vec![name.clone()]),
                ColumnOption::ForeignKey(fk) => fks.push(ForeignKey {
                    name: opt.name.as_ref().map(|n| ident(d, n)),
                    columns: vec![name.clone()],
                    references: self.name(&fk.foreign_table),
                    referred_columns: fk.referred_columns.iter().map(|c| ident(d, c)).collect(),
                }),
                ColumnOption::Check(c) => checks.push(c.expr.to_string()),
                ColumnOption::Generated { generation_expr: Some(_), .. } => col.generated = true,
                ColumnOption::Generated { generated_as, generation_expr: None, .. } => {
                    col.identity = true;
                    if matches!(generated_as, GeneratedAs::Always | GeneratedAs::ByDefault) && d == Dialect::Postgres {
                        col.nullable = false;
                    }
                }
                ColumnOption::Identity(_) => col.identity = true,
                ColumnOption::DialectSpecific(tokens) => {
                    for t in tokens {
                        if let Token::Word(w) = t {
                            let v = w.value.to_uppercase();
                            if v == "AUTO_INCREMENT" || v == "AUTOINCREMENT" {
                                col.identity = true;
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        if pk {
            table_pk.push(name.clone());
            if d != Dialect::Sqlite {
                col.nullable = false;
            }
            if d == Dialect::Sqlite && col.ty.written.eq_ignore_ascii_case("INTEGER") {
                // INTEGER PRIMARY KEY is the rowid: SQLite fills it.
                col.identity = true;
            }
        }
        if d == Dialect::Mysql && col.identity {
            col.nullable = false;
        }
        col
    }

    /// The table writes to a view with this query go to, if the database
    /// makes the view updatable by itself: PostgreSQL's and MySQL's rules for
    /// a simple view (one table in FROM, each output a plain column or `*`, no
    /// WITH, DISTINCT, GROUP BY, HAVING, aggregates, set operations, LIMIT or
    /// OFFSET). SQLite views are read-only (short of INSTEAD OF triggers,
    /// which the model does not read).
    fn view_writes_to(&self, q: &sqlparser::ast::Query) -> Option<String> {
        use sqlparser::ast::{GroupByExpr, SelectItem, SetExpr, TableFactor};
        if self.d() == Dialect::Sqlite || q.with.is_some() || q.limit_clause.is_some() || q.fetch.is_some() {
            return None;
        }
        let SetExpr::Select(sel) = q.body.as_ref() else { return None };
        let grouped = !matches!(&sel.group_by, GroupByExpr::Expressions(e, _) if e.is_empty());
        if sel.distinct.is_some() || grouped || sel.having.is_some() || sel.from.len() != 1 || !sel.from[0].joins.is_empty() {
            return None;
        }
        let TableFactor::Table { name, .. } = &sel.from[0].relation else { return None };
        let plain = sel.projection.iter().all(|item| match item {
            SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } => matches!(e, Expr::Identifier(_) | Expr::CompoundIdentifier(_)),
            SelectItem::Wildcard(_) | SelectItem::QualifiedWildcard(..) => true,
            _ => false,
        });
        let table = self.name(name);
        (plain && (self.schema.tables.contains_key(&table) || self.schema.views.get(&table).is_some_and(|v| v.writes_to.is_some()))).then_some(table)
    }

    fn create_table(&mut self, ct: &CreateTable) {
        let key = self.name(&ct.name);
        if self.schema.tables.contains_key(&key) {
            if ct.if_not_exists {
                self.no_effect("CREATE TABLE IF NOT EXISTS on an existing table");
                return;
            } else if ct.or_replace {
                self.schema.tables.remove(&key);
            } else {
                self.warn(format!("table `{key}` already exists"));
                return;
            }
        }
        let mut pk = Vec::new();
        let mut uniques = Vec::new();
        let mut fks = Vec::new();
        let mut checks = Vec::new();
        let mut columns = Vec::new();
        for def in &ct.columns {
            let c = self.new_column(def, &mut pk, &mut uniques, &mut fks, &mut checks);
            columns.push(c);
        }
        if let Some(q) = &ct.query {
            let fp = analyze_statement(self.d(), self.schema, &Statement::Query(q.clone()));
            for name in fp.output {
                columns.push(Column {
                    name,
                    ty: normalize(self.d(), "unknown"),
                    nullable: true,
                    default: None,
                    identity: false,
                    generated: false,
                    created: self.at.clone(),
                    changed: None,
                });
            }
        }
        let mut table = Table { name: key.clone(), columns, primary_key: pk, unique: uniques, foreign_keys: fks, checks, created: self.at.clone() };
        for c in &ct.constraints {
            self.table_constraint(&mut table, c);
        }
        if self.d() == Dialect::Sqlite {
            if ct.sqlite_table_options.options.contains(&SqliteTableOption::WithoutRowid) {
                // No rowid: the primary key is an ordinary NOT NULL key.
                for name in table.primary_key.clone() {
                    if let Some(col) = table.column_mut(&name) {
                        col.nullable = false;
                        col.identity = false;
                    }
                }
            } else if table.primary_key.len() == 1 {
                let pk = table.primary_key[0].clone();
                if let Some(col) = table.column_mut(&pk) {
                    if col.ty.written.eq_ignore_ascii_case("INTEGER") {
                        col.identity = true;
                    }
                }
            }
        }
        self.schema.tables.insert(key.clone(), table);
        self.changes.push(Change::TableCreated { table: key });
    }

    fn table_constraint(&mut self, table: &mut Table, c: &TableConstraint) -> Option<(ConstraintKind, Vec<String>)> {
        let d = self.d();
        let cols_of = |cols: &[sqlparser::ast::IndexColumn]| -> Vec<String> {
            cols.iter()
                .filter_map(|ic| match &ic.column.expr {
                    Expr::Identifier(i) => Some(ident(d, i)),
                    _ => None,
                })
                .collect()
        };
        match c {
            TableConstraint::PrimaryKey(pk) => {
                let cols = cols_of(&pk.columns);
                if d != Dialect::Sqlite {
                    for name in &cols {
                        if let Some(col) = table.column_mut(name) {
                            col.nullable = false;
                        }
                    }
                }
                table.primary_key = cols.clone();
                Some((ConstraintKind::PrimaryKey, cols))
            }
            TableConstraint::Unique(u) => {
                let cols = cols_of(&u.columns);
                table.unique.push(cols.clone());
                Some((ConstraintKind::Unique, cols))
            }
            TableConstraint::ForeignKey(fk) => {
                let cols: Vec<String> = fk.columns.iter().map(|i| ident(d, i)).collect();
                table.foreign_keys.push(ForeignKey {
                    name: fk.name.as_ref().map(|n| ident(d, n)),
                    columns: cols.clone(),
                    references: self.name(&fk.foreign_table),
                    referred_columns: fk.referred_columns.iter().map(|c| ident(d, c)).collect(),
                });
                Some((ConstraintKind::ForeignKey, cols))
            }
            TableConstraint::Check(ch) => {
                table.checks.push(ch.expr.to_string());
                Some((ConstraintKind::Check, vec![]))
            }
            _ => None,
        }
    }

    fn alter_table_op(&mut self, key: &str, op: &AlterTableOperation) {
        let d = self.d();
        match op {
            AlterTableOperation::AddColumn { if_not_exists, column_def, .. } => {
                let name = ident(d, &column_def.name);
                if self.schema.column(key, &name).is_some() {
                    if !*if_not_exists {
                        self.warn(format!("column `{name}` already exists in `{key}`"));
                    }
                    return;
                }
                let (mut pk, mut u, mut f, mut c) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
                let col = self.new_column(column_def, &mut pk, &mut u, &mut f, &mut c);
                let volatile = column_def.options.iter().any(|o| matches!(&o.option, ColumnOption::Default(e) if is_volatile(e)))
                    || col.ty.written.to_uppercase().contains("SERIAL");
                self.changes.push(Change::ColumnAdded {
                    table: key.to_string(),
                    column: name,
                    ty: col.ty.clone(),
                    nullable: col.nullable,
                    default: col.default.clone(),
                    volatile_default: volatile,
                });
                if let Some(t) = self.schema.tables.get_mut(key) {
                    t.columns.push(col);
                    t.primary_key.extend(pk);
                    t.unique.extend(u);
                    t.foreign_keys.extend(f);
                    t.checks.extend(c);
                }
            }
            AlterTableOperation::DropColumn { column_names, if_exists, .. } => {
                for n in column_names {
                    let name = ident(d, n);
                    let present = self.schema.column(key, &name).is_some();
                    if !present {
                        if !*if_exists {
                            self.warn(format!("column `{name}` does not exist in `{key}`"));
                        }
                        continue;
                    }
                    if let Some(t) = self.schema.tables.get_mut(key) {
                        t.columns.retain(|c| c.name != name);
                        t.primary_key.retain(|c| *c != name);
                        t.unique.retain(|u| !u.contains(&name));
                        t.foreign_keys.retain(|f| !f.columns.contains(&name));
                    }
                    self.schema.indexes.retain(|_, i| !(i.table == key && i.columns.contains(&name)));
                    self.schema.removed.push(Removal { table: key.to_string(), column: Some(name.clone()), renamed_to: None, at: self.at.clone() });
                    self.changes.push(Change::ColumnDropped { table: key.to_string(), column: name });
                }
            }
            AlterTableOperation::RenameColumn { old_column_name, new_column_name } => {
                let from = ident(d, old_column_name);
                let to = ident(d, new_column_name);
                self.rename_column(key, &from, &to);
            }
            AlterTableOperation::RenameTable { table_name: RenameTableNameKind::To(n) | RenameTableNameKind::As(n) } => {
                self.rename_table(key, n);
            }
            AlterTableOperation::AlterColumn { column_name, op } => {
                let name = ident(d, column_name);
                if self.schema.column(key, &name).is_none() {
                    self.warn(format!("column `{name}` does not exist in `{key}`"));
                    return;
                }
                self.alter_column(key, &name, op);
            }
            AlterTableOperation::ChangeColumn { old_name, new_name, data_type, options, .. } => {
                let from = ident(d, old_name);
                let to = ident(d, new_name);
                if self.schema.column(key, &from).is_none() {
                    self.warn(format!("column `{from}` does not exist in `{key}`"));
                    return;
                }
                if from != to {
                    self.rename_column(key, &from, &to);
                }
                self.redefine_column(key, &to, data_type, options);
            }
            AlterTableOperation::ModifyColumn { col_name, data_type, options, .. } => {
                let name = ident(d, col_name);
                if self.schema.column(key, &name).is_none() {
                    self.warn(format!("column `{name}` does not exist in `{key}`"));
                    return;
                }
                self.redefine_column(key, &name, data_type, options);
            }
            AlterTableOperation::AddConstraint { constraint, not_valid } => {
                let mut table = match self.schema.tables.remove(key) {
                    Some(t) => t,
                    None => return,
                };
                let res = self.table_constraint(&mut table, constraint);
                self.schema.tables.insert(key.to_string(), table);
                let using_index = constraint.to_string().to_uppercase().contains("USING INDEX");
                let name = match constraint {
                    TableConstraint::Unique(c) => c.name.as_ref(),
                    TableConstraint::PrimaryKey(c) => c.name.as_ref(),
                    TableConstraint::ForeignKey(c) => c.name.as_ref(),
                    TableConstraint::Check(c) => c.name.as_ref(),
                    _ => None,
                }
                .map(|n| ident(d, n));
                let proves_not_null = match constraint {
                    TableConstraint::Check(c) => not_null_columns(d, &c.expr),
                    _ => Vec::new(),
                };
                match res {
                    Some((kind, columns)) => self.changes.push(Change::ConstraintAdded {
                        table: key.to_string(),
                        constraint: kind,
                        columns,
                        not_valid: *not_valid,
                        using_index,
                        name,
                        proves_not_null,
                    }),
                    None => self.no_effect("constraint"),
                }
            }
            AlterTableOperation::DropConstraint { name, .. } => {
                let n = ident(d, name);
                if let Some(t) = self.schema.tables.get_mut(key) {
                    t.foreign_keys.retain(|f| f.name.as_deref() != Some(n.as_str()));
                    if n == format!("{}_pkey", crate::ident::base_name(key)) {
                        t.primary_key.clear();
                    }
                }
                self.changes.push(Change::ConstraintDropped { table: key.to_string(), name: n });
            }
            AlterTableOperation::DropPrimaryKey { .. } => {
                if let Some(t) = self.schema.tables.get_mut(key) {
                    t.primary_key.clear();
                }
                self.changes.push(Change::ConstraintDropped { table: key.to_string(), name: "PRIMARY KEY".into() });
            }
            AlterTableOperation::DropForeignKey { name, .. } => {
                let n = ident(d, name);
                if let Some(t) = self.schema.tables.get_mut(key) {
                    t.foreign_keys.retain(|f| f.name.as_deref() != Some(n.as_str()));
                }
                self.changes.push(Change::ConstraintDropped { table: key.to_string(), name: n });
            }
            AlterTableOperation::DropIndex { name } => {
                let n = qualify(d, &[ident(d, name)]);
                self.schema.indexes.remove(&n);
                self.changes.push(Change::IndexDropped { index: n, table: Some(key.to_string()), concurrently: false });
            }
            AlterTableOperation::RenameConstraint { .. }
            | AlterTableOperation::EnableTrigger { .. }
            | AlterTableOperation::DisableTrigger { .. }
            | AlterTableOperation::EnableRowLevelSecurity
            | AlterTableOperation::DisableRowLevelSecurity
            | AlterTableOperation::ForceRowLevelSecurity
            | AlterTableOperation::NoForceRowLevelSecurity
            | AlterTableOperation::OwnerTo { .. }
            | AlterTableOperation::SetLogged
            | AlterTableOperation::SetUnlogged
            | AlterTableOperation::ReplicaIdentity { .. }
            | AlterTableOperation::AutoIncrement { .. }
            | AlterTableOperation::SetOptionsParens { .. }
            | AlterTableOperation::SetTblProperties { .. } => self.changes.push(Change::TableOption { table: key.to_string(), option: TableOption::Other }),
            AlterTableOperation::ValidateConstraint { name } => self.changes.push(Change::ConstraintValidated { table: key.to_string(), name: ident(d, name) }),
            AlterTableOperation::Algorithm { algorithm, .. } => {
                let a = match algorithm {
                    sqlparser::ast::AlterTableAlgorithm::Default => AlterAlgorithm::Default,
                    sqlparser::ast::AlterTableAlgorithm::Instant => AlterAlgorithm::Instant,
                    sqlparser::ast::AlterTableAlgorithm::Inplace => AlterAlgorithm::Inplace,
                    sqlparser::ast::AlterTableAlgorithm::Copy => AlterAlgorithm::Copy,
                };
                self.changes.push(Change::TableOption { table: key.to_string(), option: TableOption::Algorithm(a) })
            }
            AlterTableOperation::Lock { lock, .. } => {
                let l = match lock {
                    sqlparser::ast::AlterTableLock::Default => AlterLock::Default,
                    sqlparser::ast::AlterTableLock::None => AlterLock::None,
                    sqlparser::ast::AlterTableLock::Shared => AlterLock::Shared,
                    sqlparser::ast::AlterTableLock::Exclusive => AlterLock::Exclusive,
                };
                self.changes.push(Change::TableOption { table: key.to_string(), option: TableOption::Lock(l) })
            }
            other => {
                let text = other.to_string();
                self.unmodelled(&format!("ALTER TABLE {key} {text}"), "migsafe does not model this ALTER TABLE operation")
            }
        }
    }

    /// MySQL CHANGE / MODIFY: the column is redefined whole.
    fn redefine_column(&mut self, key: &str, name: &str, data_type: &DataType, options: &[ColumnOption]) {
        let new_ty = self.column_type(data_type);
        let Some(old) = self.schema.column(key, name).cloned() else { return };
        let mut nullable = true;
        let mut default = None;
        let mut identity = false;
        for o in options {
            match o {
                ColumnOption::NotNull => nullable = false,
                ColumnOption::Null => nullable = true,
                ColumnOption::Default(e) => default = Some(e.to_string()),
                ColumnOption::PrimaryKey(_) => nullable = false,
                ColumnOption::DialectSpecific(toks) if toks.iter().any(|t| matches!(t, Token::Word(w) if w.value.eq_ignore_ascii_case("AUTO_INCREMENT"))) => {
                    identity = true;
                    nullable = false;
                }
                _ => {}
            }
        }
        // MySQL keeps a primary key column NOT NULL whatever the new definition says.
        if self.schema.tables.get(key).is_some_and(|t| t.primary_key.iter().any(|c| c == name)) {
            nullable = false;
        }
        if old.ty != new_ty {
            self.changes.push(Change::ColumnTypeChanged { table: key.into(), column: name.into(), from: old.ty.clone(), to: new_ty.clone(), using: false });
        }
        if old.nullable && !nullable {
            self.changes.push(Change::SetNotNull { table: key.into(), column: name.into() });
        } else if !old.nullable && nullable {
            self.changes.push(Change::DropNotNull { table: key.into(), column: name.into() });
        }
        if old.default.is_some() && default.is_none() {
            self.changes.push(Change::DropDefault { table: key.into(), column: name.into() });
        } else if let (Some(dflt), true) = (&default, old.default != default) {
            self.changes.push(Change::SetDefault { table: key.into(), column: name.into(), default: dflt.clone() });
        }
        let at = self.at.clone();
        if let Some(c) = self.schema.tables.get_mut(key).and_then(|t| t.column_mut(name)) {
            c.ty = new_ty;
            c.nullable = nullable;
            c.default = default;
            c.identity = identity || (c.identity && !nullable);
            c.changed = Some(at);
        }
    }

    fn alter_column(&mut self, key: &str, name: &str, op: &AlterColumnOperation) {
        let at = self.at.clone();
        let d = self.d();
        let new_ty = match op {
            AlterColumnOperation::SetDataType { data_type, .. } => Some(self.column_type(data_type)),
            _ => None,
        };
        let Some(col) = self.schema.tables.get_mut(key).and_then(|t| t.column_mut(name)) else { return };
        let change = match op {
            AlterColumnOperation::SetNotNull => {
                col.nullable = false;
                Change::SetNotNull { table: key.into(), column: name.into() }
            }
            AlterColumnOperation::DropNotNull => {
                col.nullable = true;
                Change::DropNotNull { table: key.into(), column: name.into() }
            }
            AlterColumnOperation::SetDefault { value } => {
                col.default = Some(value.to_string());
                Change::SetDefault { table: key.into(), column: name.into(), default: value.to_string() }
            }
            AlterColumnOperation::DropDefault => {
                col.default = None;
                if col.ty.written.to_uppercase().contains("SERIAL") {
                    col.identity = false;
                }
                Change::DropDefault { table: key.into(), column: name.into() }
            }
            AlterColumnOperation::SetDataType { using, .. } => {
                let to = new_ty.unwrap_or_else(|| col.ty.clone());
                let from = std::mem::replace(&mut col.ty, to.clone());
                let using = using.as_ref().is_some_and(|e| !is_column_or_its_cast(d, e, name));
                Change::ColumnTypeChanged { table: key.into(), column: name.into(), from, to, using }
            }
            AlterColumnOperation::AddGenerated { .. } => {
                col.identity = true;
                col.nullable = false;
                Change::NoSchemaEffect { what: "identity".into() }
            }
            AlterColumnOperation::GenericOptions { .. } => Change::NoSchemaEffect { what: "foreign table column options".into() },
        };
        col.changed = Some(at);
        self.changes.push(change);
    }

    fn rename_column(&mut self, key: &str, from: &str, to: &str) {
        let Some(t) = self.schema.tables.get_mut(key) else { return };
        let Some(c) = t.column_mut(from) else {
            self.warn(format!("column `{from}` does not exist in `{key}`"));
            return;
        };
        c.name = to.to_string();
        for pk in t.primary_key.iter_mut().filter(|c| *c == from) {
            *pk = to.to_string();
        }
        for u in t.unique.iter_mut().flatten().filter(|c| *c == from) {
            *u = to.to_string();
        }
        for i in self.schema.indexes.values_mut().filter(|i| i.table == key) {
            for c in i.columns.iter_mut().filter(|c| *c == from) {
                *c = to.to_string();
            }
        }
        self.schema.removed.push(Removal { table: key.to_string(), column: Some(from.to_string()), renamed_to: Some(to.to_string()), at: self.at.clone() });
        self.changes.push(Change::ColumnRenamed { table: key.to_string(), from: from.to_string(), to: to.to_string() });
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

    /// A function's or trigger's key: its name without the schema (a
    /// trigger names its function as the search path finds it).
    fn routine_key(&self, n: &ObjectName) -> String {
        crate::ident::base_name(&self.name(n)).to_string()
    }

    /// `CREATE [OR REPLACE] FUNCTION`: the `NEW` columns its body assigns.
    fn create_function(&mut self, cf: &sqlparser::ast::CreateFunction) {
        use sqlparser::ast::{CreateFunctionBody, Expr, Value};
        let key = self.routine_key(&cf.name);
        let body = match &cf.function_body {
            Some(CreateFunctionBody::AsBeforeOptions { body, .. } | CreateFunctionBody::AsAfterOptions(body)) => match body {
                Expr::Value(v) => match &v.value {
                    Value::DollarQuotedString(d) => Some(d.value.clone()),
                    Value::SingleQuotedString(s) | Value::EscapedStringLiteral(s) => Some(s.clone()),
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        };
        // PL/pgSQL (the default for trigger functions' bodies here) or SQL; C, plv8, … are not read.
        let readable = cf.language.as_ref().is_none_or(|l| ["plpgsql", "sql"].contains(&l.value.to_ascii_lowercase().as_str()));
        let sets_new = body.filter(|_| readable).and_then(|b| super::triggers::assigned_new_columns(self.d(), &b));
        self.schema.functions.insert(key, super::triggers::Function { sets_new });
    }

    /// `CREATE TRIGGER … BEFORE INSERT … FOR EACH ROW`: kept with what it runs.
    fn create_trigger(&mut self, ct: &sqlparser::ast::CreateTrigger) {
        use super::triggers::{InsertTrigger, TriggerAction};
        use sqlparser::ast::{TriggerEvent, TriggerObject, TriggerObjectKind, TriggerPeriod};
        let before = matches!(ct.period, Some(TriggerPeriod::Before));
        let on_insert = ct.events.iter().any(|e| matches!(e, TriggerEvent::Insert));
        // PostgreSQL's default is FOR EACH STATEMENT; MySQL's triggers are all row triggers.
        let per_row = match &ct.trigger_object {
            Some(TriggerObjectKind::For(o) | TriggerObjectKind::ForEach(o)) => *o == TriggerObject::Row,
            None => self.d() == Dialect::Mysql,
        };
        let name = self.routine_key(&ct.name);
        let table = self.name(&ct.table_name);
        self.schema.insert_triggers.retain(|t| !(t.name == name && t.table == table));
        if !(before && on_insert && per_row) {
            return;
        }
        let action = match (&ct.exec_body, &ct.statements) {
            (Some(b), _) => TriggerAction::Function(self.routine_key(&b.func_desc.name)),
            // MySQL: the trigger's own body, as sqlparser read it.
            (None, Some(body)) => TriggerAction::Body(super::triggers::assigned_new_columns(self.d(), &format!("; {body}"))),
            (None, None) => TriggerAction::Body(None),
        };
        self.schema.insert_triggers.push(InsertTrigger { name, table, action });
    }

    fn rename_table(&mut self, from: &str, to: &ObjectName) {
        let to = self.renamed_key(from, to);
        let Some(mut t) = self.schema.tables.remove(from) else { return };
        t.name = to.clone();
        self.schema.tables.insert(to.clone(), t);
        for i in self.schema.indexes.values_mut().filter(|i| i.table == from) {
            i.table = to.clone();
        }
        for t in self.schema.insert_triggers.iter_mut().filter(|t| t.table == from) {
            t.table = to.clone();
        }
        self.schema.removed.push(Removal { table: from.to_string(), column: None, renamed_to: Some(to.clone()), at: self.at.clone() });
        self.changes.push(Change::TableRenamed { from: from.to_string(), to });
    }

    fn alter_view(&mut self, av: &AlterView) {
        let key = self.name(&av.name);
        if let AlterViewOperation::As { columns, query, .. } = &av.operation {
            let fp = analyze_statement(self.d(), self.schema, &Statement::Query(query.clone()));
            let cols = if columns.is_empty() { fp.output.clone() } else { columns.iter().map(|c| ident(self.d(), c)).collect() };
            let reads = fp.columns.iter().map(|u| (u.table.clone(), u.column.clone())).collect();
            let writes_to = if av.materialized { None } else { self.view_writes_to(query) };
            let view = View { name: key.clone(), materialized: av.materialized, columns: cols, reads, writes_to, created: self.at.clone() };
            self.schema.views.insert(key.clone(), view);
            self.changes.push(Change::ViewCreated { view: key, materialized: av.materialized });
            return;
        }
        if !self.schema.views.contains_key(&key) {
            if av.if_exists {
                self.no_effect("ALTER VIEW IF EXISTS on a missing view");
            } else {
                self.missing(&key, "view");
            }
            return;
        }
        match &av.operation {
            AlterViewOperation::RenameTo { new_name } => self.rename_view(&key, new_name),
            AlterViewOperation::RenameColumn { old_column_name, new_column_name } => {
                let (from, to) = (ident(self.d(), old_column_name), ident(self.d(), new_column_name));
                let Some(c) = self.schema.views.get_mut(&key).and_then(|v| v.columns.iter_mut().find(|c| **c == from)) else {
                    self.warn(format!("column `{from}` does not exist in the view `{key}`"));
                    return;
                };
                *c = to.clone();
                self.schema.removed.push(Removal { table: key.clone(), column: Some(from.clone()), renamed_to: Some(to.clone()), at: self.at.clone() });
                self.changes.push(Change::ColumnRenamed { table: key, from, to });
            }
            _ => self.no_effect("view option"),
        }
    }

    fn rename_view(&mut self, from: &str, to: &ObjectName) {
        let to = self.renamed_key(from, to);
        let Some(mut v) = self.schema.views.remove(from) else { return };
        v.name = to.clone();
        self.schema.views.insert(to.clone(), v);
        self.schema.removed.push(Removal { table: from.to_string(), column: None, renamed_to: Some(to.clone()), at: self.at.clone() });
        self.changes.push(Change::ViewRenamed { from: from.to_string(), to });
    }

    fn create_index(&mut self, ci: &CreateIndex) {
        let d = self.d();
        let table = self.name(&ci.table_name);
        let columns: Vec<String> = ci
            .columns
            .iter()
            .map(|ic| match &ic.column.expr {
                Expr::Identifier(i) => ident(d, i),
                other => other.to_string(),
            })
            .collect();
        let name = match &ci.name {
            Some(n) => self.name(n),
            None => format!("{}_{}_idx", crate::ident::base_name(&table), columns.join("_")),
        };
        if !self.schema.has_relation(&table) {
            self.missing(&table, "table");
            return;
        }
        if self.schema.indexes.contains_key(&name) && ci.if_not_exists {
            self.no_effect("CREATE INDEX IF NOT EXISTS on an existing index");
            return;
        }
        self.schema.indexes.insert(
            name.clone(),
            Index {
                name: name.clone(),
                table: table.clone(),
                columns: columns.clone(),
                unique: ci.unique,
                concurrently: ci.concurrently,
                partial: ci.predicate.is_some(),
                created: self.at.clone(),
            },
        );
        self.changes.push(Change::IndexCreated { index: name, table, columns, unique: ci.unique, concurrently: ci.concurrently });
    }

    fn drop(&mut self, ty: ObjectType, n: &ObjectName, if_exists: bool, cascade: bool, on_table: Option<&ObjectName>) {
        let key = self.name(n);
        match ty {
            ObjectType::Table => {
                if self.schema.tables.remove(&key).is_none() {
                    if !if_exists {
                        self.missing(&key, "table");
                    }
                    return;
                }
                self.schema.insert_triggers.retain(|t| t.table != key);
                self.schema.indexes.retain(|_, i| i.table != key);
                if cascade {
                    let dependent: Vec<String> =
                        self.schema.views.values().filter(|v| v.reads.iter().any(|(t, _)| *t == key)).map(|v| v.name.clone()).collect();
                    for v in dependent {
                        self.schema.views.remove(&v);
                        self.schema.removed.push(Removal { table: v.clone(), column: None, renamed_to: None, at: self.at.clone() });
                        self.changes.push(Change::ViewDropped { view: v });
                    }
                }
                self.schema.removed.push(Removal { table: key.clone(), column: None, renamed_to: None, at: self.at.clone() });
                self.changes.push(Change::TableDropped { table: key });
            }
            ObjectType::View | ObjectType::MaterializedView => {
                if self.schema.views.remove(&key).is_none() {
                    if !if_exists {
                        self.missing(&key, "view");
                    }
                    return;
                }
                self.schema.removed.push(Removal { table: key.clone(), column: None, renamed_to: None, at: self.at.clone() });
                self.changes.push(Change::ViewDropped { view: key });
            }
            ObjectType::Index => {
                let removed = self.schema.indexes.remove(&key);
                let table = removed.map(|i| i.table).or_else(|| on_table.map(|t| self.name(t)));
                let concurrently = self.text.contains("CONCURRENTLY");
                self.changes.push(Change::IndexDropped { index: key, table, concurrently });
            }
            ObjectType::Type => {
                if self.schema.enums.remove(&key).is_some() {
                    self.changes.push(Change::EnumDropped { ty: key });
                } else {
                    self.schema.domains.remove(&key);
                    self.no_effect("type");
                }
            }
            ObjectType::Schema => {
                let prefix = format!("{key}.");
                let tables: Vec<String> = self.schema.tables.keys().filter(|k| k.starts_with(&prefix)).cloned().collect();
                for t in tables {
                    self.schema.tables.remove(&t);
                    self.schema.removed.push(Removal { table: t.clone(), column: None, renamed_to: None, at: self.at.clone() });
                    self.changes.push(Change::TableDropped { table: t });
                }
            }
            _ => self.no_effect("DROP of an object that holds no rows"),
        }
    }

    fn alter_type(&mut self, at: &sqlparser::ast::AlterType) {
        let key = self.name(&at.name);
        if !self.schema.enums.contains_key(&key) {
            self.unmodelled(&format!("ALTER TYPE {key}"), "the type is not an enum migsafe knows");
            return;
        }
        match &at.operation {
            AlterTypeOperation::AddValue(av) => {
                let value = av.value.value.clone();
                let Some(e) = self.schema.enums.get_mut(&key) else { return };
                if e.values.contains(&value) {
                    if !av.if_not_exists {
                        self.warn(format!("enum `{key}` already has the value '{value}'"));
                    }
                    return;
                }
                let pos = match &av.position {
                    Some(AlterTypeAddValuePosition::Before(v)) => e.values.iter().position(|x| *x == v.value),
                    Some(AlterTypeAddValuePosition::After(v)) => e.values.iter().position(|x| *x == v.value).map(|p| p + 1),
                    None => None,
                };
                match pos {
                    Some(p) => e.values.insert(p, value.clone()),
                    None => e.values.push(value.clone()),
                }
                self.changes.push(Change::EnumValueAdded { ty: key, value });
            }
            AlterTypeOperation::RenameValue(rv) => {
                let Some(e) = self.schema.enums.get_mut(&key) else { return };
                if let Some(v) = e.values.iter_mut().find(|v| **v == rv.from.value) {
                    *v = rv.to.value.clone();
                }
                self.changes.push(Change::EnumValueRenamed { ty: key, from: rv.from.value.clone(), to: rv.to.value.clone() });
            }
            AlterTypeOperation::Rename(r) => {
                let new_key = self.renamed_key(&key, &ObjectName::from(vec![r.new_name.clone()]));
                if let Some(mut e) = self.schema.enums.remove(&key) {
                    e.name = new_key.clone();
                    self.schema.enums.insert(new_key.clone(), e);
                }
                for t in self.schema.tables.values_mut() {
                    for c in &mut t.columns {
                        if c.ty.user_type.as_deref() == Some(key.as_str()) {
                            c.ty.user_type = Some(new_key.clone());
                        }
                    }
                }
                self.changes.push(Change::EnumRenamed { from: key, to: new_key });
            }
        }
    }

    fn data(&mut self, s: &Statement) {
        let fp = analyze_statement(self.d(), self.schema, s);
        let (verb, whole) = match s {
            Statement::Insert(_) => (DataVerb::Insert, false),
            Statement::Update(u) => (DataVerb::Update, u.selection.is_none()),
            Statement::Delete(d) => (DataVerb::Delete, d.selection.is_none()),
            _ => return,
        };
        let access = match verb {
            DataVerb::Insert => crate::footprint::TableAccess::Insert,
            DataVerb::Update => crate::footprint::TableAccess::Update,
            DataVerb::Delete | DataVerb::Truncate => crate::footprint::TableAccess::Delete,
        };
        let Some(table) = fp.tables.iter().find(|t| t.access == access).map(|t| t.table.clone()) else {
            self.unmodelled("data change", "the statement's target table is not in the schema model");
            return;
        };
        let written: Vec<&crate::footprint::ColumnUse> = fp.columns.iter().filter(|u| u.access.writes() && u.table == table).collect();
        let columns = written.iter().map(|u| u.column.clone()).collect();
        let values = written.iter().flat_map(|u| u.values.iter().map(move |v| (u.column.clone(), v.clone()))).collect();
        self.changes.push(Change::DataChange { table, verb, columns, values, whole_table: whole });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(dialect: Dialect, sql: &str) -> (Schema, Vec<Diagnostic>) {
        let mut schema = Schema::new(dialect);
        let script = Script { path: "m.sql".into(), text: sql.into(), first_line: 1 };
        let (_, diags) = apply_script(&mut schema, &script);
        (schema, diags)
    }

    fn col(s: &Schema, t: &str, c: &str) -> (String, bool) {
        let c = s.column(t, c).unwrap_or_else(|| panic!("no column {t}.{c}"));
        (c.ty.catalog.clone(), c.nullable)
    }

    #[test]
    fn alter_table_actions_sqlparser_cannot_parse_are_split_and_applied() {
        let (s, d) = run(
            Dialect::Postgres,
            "CREATE TABLE t (a int REFERENCES u, b int GENERATED ALWAYS AS (a * 2) STORED, c int GENERATED ALWAYS AS IDENTITY);
             ALTER TABLE t ALTER CONSTRAINT t_a_fkey DEFERRABLE INITIALLY DEFERRED, ALTER CONSTRAINT t_b DEFERRABLE;
             ALTER TABLE t ALTER COLUMN b DROP EXPRESSION, ALTER c DROP IDENTITY IF EXISTS, ADD COLUMN d text NOT NULL;
             ALTER TABLE t ALTER COLUMN d SET STATISTICS 100;",
        );
        assert!(d.is_empty(), "{d:?}");
        let t = &s.tables["t"];
        assert!(!t.column("b").unwrap().generated);
        assert!(!t.column("c").unwrap().identity);
        assert_eq!(col(&s, "t", "d"), ("text".into(), false));
        let (_, d) = run(Dialect::Postgres, "CREATE TABLE t (a int); ALTER TABLE t ALTER COLUMN a FROB, ADD COLUMN x int;");
        assert_eq!(d.len(), 1, "an unknown action is still an error: {d:?}");
    }

    #[test]
    fn mysql_table_options_dynamic_sql_and_drop_check() {
        let (s, d) = run(
            Dialect::Mysql,
            "CREATE TABLE t (a INT, CONSTRAINT c CHECK (a > 0));
             ALTER TABLE t COMMENT = 'x', ENGINE = InnoDB;
             ALTER TABLE t DROP CHECK c;
             SET @s = 'SELECT 1';
             PREPARE stmt FROM @s;
             EXECUTE stmt;
             DEALLOCATE PREPARE stmt;",
        );
        assert!(d.is_empty(), "{d:?}");
        assert!(s.tables.contains_key("t"));
    }

    #[test]
    fn create_table_if_not_exists_keeps_the_existing_table() {
        let (s, _) = run(Dialect::Postgres, "CREATE TABLE t (a int); CREATE TABLE IF NOT EXISTS t (b int);");
        assert!(s.column("t", "a").is_some() && s.column("t", "b").is_none());
    }

    #[test]
    fn mysql_primary_key_column_stays_not_null_when_redefined() {
        let (s, d) =
            run(Dialect::Mysql, "CREATE TABLE t (k VARCHAR(8), v INT, PRIMARY KEY (k)); ALTER TABLE t MODIFY k VARCHAR(20); ALTER TABLE t CHANGE v w BIGINT;");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(col(&s, "t", "k"), ("varchar".into(), false));
        assert_eq!(col(&s, "t", "w"), ("bigint".into(), true));
    }

    #[test]
    fn identity_options_sqlite_table_options_and_alter_view_parse() {
        // sqlparser 0.63 rejected all three; PostgreSQL and SQLite accept them.
        let (s, d) = run(Dialect::Postgres, "CREATE TABLE t (id int GENERATED BY DEFAULT AS IDENTITY (START WITH 10 INCREMENT BY 5), n text);");
        assert!(d.is_empty(), "{d:?}");
        assert!(s.column("t", "id").unwrap().identity);
        assert_eq!(col(&s, "t", "id"), ("integer".into(), false));
        let (s, d) =
            run(Dialect::Sqlite, "CREATE TABLE k (a TEXT PRIMARY KEY, b INTEGER) WITHOUT ROWID, STRICT;\nCREATE TABLE r (id INTEGER PRIMARY KEY) STRICT;");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(col(&s, "k", "a"), ("TEXT".into(), false), "WITHOUT ROWID keys are NOT NULL");
        assert!(s.column("r", "id").unwrap().identity);
        let (s, d) = run(
            Dialect::Postgres,
            "CREATE TABLE t (a int, b int);\nCREATE VIEW v AS SELECT a, b FROM t;\nALTER VIEW v RENAME COLUMN b TO c;\nALTER VIEW v RENAME TO w;\nALTER VIEW IF EXISTS gone RENAME TO x;",
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(s.views["w"].columns, ["a", "c"]);
        assert!(!s.views.contains_key("v"));
    }

    fn changes(dialect: Dialect, sql: &str) -> Vec<Change> {
        let mut schema = Schema::new(dialect);
        let script = Script { path: "m.sql".into(), text: sql.into(), first_line: 1 };
        apply_script(&mut schema, &script).0.into_iter().map(|e| e.change).collect()
    }

    #[test]
    fn alter_index_renames_with_and_without_if_exists() {
        let (s, d) = run(
            Dialect::Postgres,
            "CREATE TABLE t (a int);\nCREATE INDEX t_a ON t (a);\nALTER INDEX t_a RENAME TO t_a2;\nALTER INDEX IF EXISTS t_a2 RENAME TO t_a3;\nALTER INDEX IF EXISTS gone RENAME TO x;\nALTER INDEX t_pkey RENAME TO t_key;\nALTER INDEX t_a3 SET (fillfactor = 70);\nALTER INDEX IF EXISTS t_a3 SET TABLESPACE fast;",
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(s.indexes.keys().collect::<Vec<_>>(), ["t_a3"]);
        assert_eq!(s.indexes["t_a3"].table, "t");
        assert!(s.unread.is_empty());
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
        assert!(matches!(&c[2], Change::Unmodelled { what, .. } if what == "trigger"), "{c:?}");
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

    #[test]
    fn sqlite_declared_types_are_kept_as_written() {
        let (s, d) = run(
            Dialect::Sqlite,
            "PRAGMA foreign_keys = ON;
             CREATE TABLE t (id integer primary key, n varchar(255) NOT NULL, big UNSIGNED BIG INT, x, p NUMERIC(10, 2) DEFAULT 0, CHECK (id > 0));
             ALTER TABLE t ADD COLUMN c native character(70);",
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(col(&s, "t", "id"), ("INTEGER".into(), true));
        assert!(s.column("t", "id").unwrap().identity);
        assert_eq!(col(&s, "t", "n"), ("varchar(255)".into(), false));
        assert_eq!(col(&s, "t", "big"), ("UNSIGNED BIG INT".into(), true));
        assert_eq!(col(&s, "t", "x"), ("".into(), true));
        assert_eq!(col(&s, "t", "p"), ("NUMERIC(10, 2)".into(), true));
        assert_eq!(col(&s, "t", "c"), ("native character(70)".into(), true));
    }
}
