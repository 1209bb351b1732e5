//! What a statement did to the schema, as the rules see it.

use super::{Provenance, SqlType};
use crate::diag::Location;
use serde::Serialize;

/// One effect of one statement, with where it was written.
#[derive(Debug, Clone, Serialize)]
pub struct Event {
    pub change: Change,
    pub at: Provenance,
    /// The statement's text (for hazard rules and reports), one copy shared
    /// by the events of one statement.
    #[serde(skip)]
    pub statement: std::sync::Arc<str>,
    /// Index of the statement in its script (0-based).
    pub statement_index: usize,
    /// `-- migsafe:allow(rule) reason` comments just before the statement.
    #[serde(skip)]
    pub comments: Vec<(u32, String)>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Change {
    TableCreated {
        table: String,
    },
    TableDropped {
        table: String,
    },
    TableRenamed {
        from: String,
        to: String,
    },
    ViewCreated {
        view: String,
        materialized: bool,
    },
    ViewDropped {
        view: String,
    },
    ViewRenamed {
        from: String,
        to: String,
    },
    ColumnAdded {
        table: String,
        column: String,
        /// Boxed, as in `ColumnTypeChanged`: an event is kept per statement
        /// of every migration, and the type alone was a third of its size.
        ty: Box<SqlType>,
        nullable: bool,
        default: Option<String>,
        volatile_default: bool,
    },
    ColumnDropped {
        table: String,
        column: String,
    },
    ColumnRenamed {
        table: String,
        from: String,
        to: String,
    },
    ColumnTypeChanged {
        table: String,
        column: String,
        from: Box<SqlType>,
        to: Box<SqlType>,
        /// A `USING` expression other than the column itself or its plain
        /// cast (`USING col`, `USING col::int`): PostgreSQL then always rewrites.
        using: bool,
    },
    SetNotNull {
        table: String,
        column: String,
    },
    DropNotNull {
        table: String,
        column: String,
    },
    SetDefault {
        table: String,
        column: String,
        default: String,
    },
    DropDefault {
        table: String,
        column: String,
    },
    EnumCreated {
        ty: String,
    },
    EnumDropped {
        ty: String,
    },
    EnumRenamed {
        from: String,
        to: String,
    },
    EnumValueAdded {
        ty: String,
        value: String,
    },
    EnumValueRenamed {
        ty: String,
        from: String,
        to: String,
    },
    IndexCreated {
        index: String,
        table: String,
        columns: Vec<String>,
        unique: bool,
        concurrently: bool,
    },
    IndexDropped {
        index: String,
        table: Option<String>,
        concurrently: bool,
    },
    ConstraintAdded {
        table: String,
        constraint: ConstraintKind,
        columns: Vec<String>,
        not_valid: bool,
        using_index: bool,
        /// The name it was given (`CONSTRAINT name`), folded.
        name: Option<String>,
        /// A CHECK's columns it proves NOT NULL (`CHECK (a IS NOT NULL AND …)`).
        proves_not_null: Vec<String>,
    },
    /// `ALTER TABLE … VALIDATE CONSTRAINT name`.
    ConstraintValidated {
        table: String,
        name: String,
    },
    ConstraintDropped {
        table: String,
        name: String,
    },
    /// An INSERT / UPDATE / DELETE run by a migration.
    DataChange {
        table: String,
        verb: DataVerb,
        columns: Vec<String>,
        values: Vec<(String, String)>,
        whole_table: bool,
    },
    /// A statement that changes nothing migsafe models (comments, grants, extensions, …).
    NoSchemaEffect {
        what: Inert,
    },
    /// `BEGIN`, `COMMIT`, … written in the script: where an explicit transaction opens and closes.
    Transaction {
        control: TxControl,
    },
    /// A session setting (`SET …`, `PRAGMA …`).
    Setting {
        setting: Setting,
    },
    /// An `ALTER TABLE` option that changes no column (MySQL's `ALGORITHM=` /
    /// `LOCK=` clauses, a character-set conversion, storage, triggers, …).
    TableOption {
        table: String,
        option: TableOption,
    },
    /// A statement whose effect migsafe does not model (functions, triggers, DO blocks, …): not assumed harmless.
    Unmodelled {
        what: UnmodelledKind,
    },
    /// A statement the parser cannot read and no recovery understood: it
    /// may have changed anything it names (or anything at all).
    Unparsed {
        /// Its kind, from its first words (`ALTER INDEX`).
        what: String,
        /// The parser's (or tokenizer's) message.
        message: String,
        /// Where the parser stopped.
        error_at: Location,
        /// The tables, indexes and columns its tokens name after ALTER, DROP,
        /// RENAME, TABLE, ON, … (folded as the dialect folds them; best effort).
        names: Vec<String>,
    },
    IndexRenamed {
        from: String,
        to: String,
        table: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ConstraintKind {
    PrimaryKey,
    Unique,
    ForeignKey,
    Check,
}

/// Transaction control written in a script.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TxControl {
    /// `BEGIN`, `START TRANSACTION`.
    Begin,
    /// `COMMIT`, `END`.
    Commit,
    /// `ROLLBACK` (the whole transaction).
    Rollback,
    /// `SAVEPOINT`, `RELEASE`, `ROLLBACK TO SAVEPOINT`: the transaction stays open.
    Savepoint,
}

/// A session setting, named where a rule cares which.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Setting {
    /// PostgreSQL's `lock_timeout` (MySQL's `lock_wait_timeout`).
    LockTimeout,
    /// `statement_timeout`.
    StatementTimeout,
    /// The session time zone; `utc` when it is set to UTC.
    TimeZone { utc: bool },
    /// SQLite's `PRAGMA`.
    Pragma,
    /// Any other (`search_path`, `client_encoding`, `RESET`, …).
    Other,
}

/// An `ALTER TABLE` option that changes no column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TableOption {
    /// MySQL's `ALGORITHM = …`: how InnoDB must run the statement.
    Algorithm(AlterAlgorithm),
    /// MySQL's `LOCK = …`: what it may block while it runs.
    Lock(AlterLock),
    /// MySQL's `CONVERT TO CHARACTER SET …`: every text column is rewritten.
    ConvertCharset,
    /// Storage, comment, engine, triggers, row security, owner, …
    Other,
}

/// MySQL's `ALGORITHM` clause.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AlterAlgorithm {
    Default,
    Instant,
    Inplace,
    Copy,
}

/// MySQL's `LOCK` clause.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AlterLock {
    Default,
    None,
    Shared,
    Exclusive,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DataVerb {
    Insert,
    Update,
    Delete,
    /// `TRUNCATE`: every row goes, without row locks or a scan.
    Truncate,
}

impl Change {
    /// The table (or view, or type) the change is about.
    pub fn table(&self) -> Option<&str> {
        use Change::*;
        match self {
            TableCreated { table } | TableDropped { table } => Some(table),
            TableRenamed { from, .. } => Some(from),
            ViewCreated { view, .. } | ViewDropped { view } => Some(view),
            ViewRenamed { from, .. } => Some(from),
            ColumnAdded { table, .. }
            | ColumnDropped { table, .. }
            | ColumnRenamed { table, .. }
            | ColumnTypeChanged { table, .. }
            | SetNotNull { table, .. }
            | DropNotNull { table, .. }
            | SetDefault { table, .. }
            | DropDefault { table, .. }
            | IndexCreated { table, .. }
            | ConstraintAdded { table, .. }
            | ConstraintDropped { table, .. }
            | TableOption { table, .. }
            | ConstraintValidated { table, .. }
            | DataChange { table, .. } => Some(table),
            IndexDropped { table, .. } | IndexRenamed { table, .. } => table.as_deref(),
            _ => None,
        }
    }
}

impl Setting {
    /// A setting by its name (`lock_timeout`, `TIME ZONE`, …) and, when known, its value.
    pub(crate) fn named(name: &str, value: Option<&sqlparser::ast::Expr>) -> Setting {
        let utc = |v: Option<&sqlparser::ast::Expr>| {
            let text = match v {
                Some(sqlparser::ast::Expr::Value(v)) => match &v.value {
                    sqlparser::ast::Value::SingleQuotedString(s) | sqlparser::ast::Value::DoubleQuotedString(s) => s.clone(),
                    other => other.to_string(),
                },
                Some(sqlparser::ast::Expr::Identifier(i)) => i.value.clone(),
                _ => return false,
            };
            ["UTC", "ETC/UTC", "GMT", "ETC/GMT", "Z", "+00:00", "0"].iter().any(|u| text.eq_ignore_ascii_case(u))
        };
        match name.trim_matches(['"', '`']).to_ascii_lowercase().as_str() {
            "lock_timeout" | "lock_wait_timeout" | "innodb_lock_wait_timeout" => Setting::LockTimeout,
            "statement_timeout" | "max_execution_time" | "max_statement_time" => Setting::StatementTimeout,
            "timezone" | "time_zone" | "time" => Setting::TimeZone { utc: utc(value) },
            _ => Setting::Other,
        }
    }
}

/// A kind of statement that changes nothing migsafe models. Both readers
/// (the parser's tree in `schema::apply`, the first words in `sql::recover`)
/// name a kind through this type, so a statement is labelled the same
/// whether or not sqlparser could parse it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Inert {
    Comment,
    Privileges,
    Extension,
    Maintenance,
    PlannerStatistics,
    RefreshView,
    /// Aggregates, operators, casts, collations, text search configurations, languages.
    ObjectWithoutData,
    Sequence,
    Schema,
    Notification,
    Deallocate,
    /// A no-op the model decides (`CREATE TABLE IF NOT EXISTS` on an existing table, …), described.
    Other(String),
}

impl Inert {
    /// How reports name it.
    pub fn label(&self) -> &str {
        match self {
            Inert::Comment => "COMMENT",
            Inert::Privileges => "privileges",
            Inert::Extension => "extension",
            Inert::Maintenance => "maintenance",
            Inert::PlannerStatistics => "planner statistics",
            Inert::RefreshView => "REFRESH MATERIALIZED VIEW",
            Inert::ObjectWithoutData => "database object that holds no data",
            Inert::Sequence => "sequence",
            Inert::Schema => "schema",
            Inert::Notification => "notification",
            Inert::Deallocate => "DEALLOCATE PREPARE",
            Inert::Other(what) => what,
        }
    }
}

/// A kind of statement whose effect migsafe does not model: its label and
/// the reason come from the kind, whichever reader recognised the statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum UnmodelledKind {
    /// A `SELECT` (or PL/pgSQL `PERFORM`) run by a migration.
    Select,
    Function,
    Trigger,
    /// `CREATE RULE` and row-level security policies.
    RuleOrPolicy,
    /// An anonymous code block (`DO $$ … $$`).
    DoBlock,
    /// `PREPARE` / `EXECUTE`: SQL built at migration time.
    DynamicSql,
    /// Something the model found it cannot follow (a data change on a table
    /// it does not hold, an ALTER TABLE operation it does not model, …), with why.
    Other {
        what: String,
        reason: String,
    },
}

impl UnmodelledKind {
    /// How reports name it.
    pub fn label(&self) -> &str {
        match self {
            UnmodelledKind::Select => "SELECT",
            UnmodelledKind::Function => "function",
            UnmodelledKind::Trigger => "trigger",
            UnmodelledKind::RuleOrPolicy => "rule or policy",
            UnmodelledKind::DoBlock => "DO block",
            UnmodelledKind::DynamicSql => "dynamic SQL",
            UnmodelledKind::Other { what, .. } => what,
        }
    }

    /// Why it is not modelled (and so not assumed harmless).
    pub fn reason(&self) -> &str {
        match self {
            UnmodelledKind::Select => "a SELECT in a migration usually calls a function whose effect migsafe cannot see",
            UnmodelledKind::Function => "functions are not modelled: code calling it, or a trigger using it, may change behaviour",
            UnmodelledKind::Trigger => {
                "a trigger can reject or rewrite the writes of either release (migsafe reads only which columns a BEFORE INSERT row trigger fills)"
            }
            UnmodelledKind::RuleOrPolicy => "rules and row-level policies are not modelled: they can change which rows and writes succeed",
            UnmodelledKind::DoBlock => "anonymous code blocks are not modelled: they can change anything",
            UnmodelledKind::DynamicSql => "a prepared statement runs SQL built at migration time: migsafe cannot see what it changes",
            UnmodelledKind::Other { reason, .. } => reason,
        }
    }
}

#[cfg(test)]
mod tests {
    /// An event is kept for every statement of every migration (596,000 of
    /// them in the cli_speed bench's 50 MB migration): a variant that grows
    /// `Change` past this grows every one of them. Box its large fields, as
    /// `ColumnAdded` and `ColumnTypeChanged` box their types (360 -> 192
    /// bytes an event, 800 -> 664 MB peak on that migration).
    #[test]
    fn an_event_stays_small() {
        assert!(std::mem::size_of::<super::Change>() <= 128, "Change is {} bytes", std::mem::size_of::<super::Change>());
        assert!(std::mem::size_of::<super::Event>() <= 208, "Event is {} bytes", std::mem::size_of::<super::Event>());
    }
}
