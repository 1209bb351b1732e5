//! Reading what sqlparser's grammar misses, from the statement's tokens.
//!
//! sqlparser 0.64 has no (or only a partial) grammar for some statements
//! migrations hold: `COMMENT ON FUNCTION`, `GRANT … ON TYPE`, most `SET`s,
//! `ALTER TABLE … ALTER CONSTRAINT`, `DROP INDEX CONCURRENTLY`, `ALTER INDEX
//! IF EXISTS`, SQLite's many-word type names. This module owns every
//! workaround: classifying a statement by its first words, checking a
//! statement's shape, naming the objects an unreadable statement mentions,
//! and re-tokenising a statement into pieces sqlparser does read. It only
//! reads text; applying what it recovers is `schema::apply`'s job.

use crate::ident::{ident, qualify};
use crate::schema::{Change, Inert, Setting, TableOption, TxControl, UnmodelledKind};
use crate::Dialect;
use sqlparser::ast::{AlterIndexOperation, AlterTableOperation, ObjectName, Statement};
use sqlparser::tokenizer::Token;

/// Whether sqlparser has a grammar for a kind of statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Grammar {
    /// It parses this kind when the statement is well formed: a failure means
    /// the statement is broken (or sqlparser lacks a variant of it).
    Known,
    /// It has no (or only a partial) grammar for it: its first words are all we go by.
    Missing,
}

/// Statements sqlparser cannot parse but whose kind we recognise by their first words.
pub(crate) fn classify_unparsed(text: &str) -> Option<(Change, Grammar)> {
    let words: Vec<String> = text.split(|c: char| c.is_whitespace() || c == '(').filter(|w| !w.is_empty()).take(6).map(|w| w.to_uppercase()).collect();
    let w: Vec<&str> = words.iter().map(|s| s.as_str()).collect();
    let skip_or_replace: Vec<&str> =
        w.iter().copied().filter(|x| !matches!(*x, "OR" | "REPLACE" | "CONSTRAINT" | "TEMP" | "TEMPORARY" | "UNIQUE" | "DEFINER")).collect();
    use Grammar::{Known, Missing};
    let no_effect = |what: Inert, g: Grammar| Some((Change::NoSchemaEffect { what }, g));
    let unmodelled = |kind: UnmodelledKind, g: Grammar| Some((Change::Unmodelled { what: kind }, g));
    // sqlparser's COMMENT and GRANT grammars miss object kinds PostgreSQL has
    // (COMMENT ON FUNCTION f(int), GRANT … ON TYPE): one of the right shape is
    // taken as what it says; one that is not (`COMMENT ON t IS;`) is broken.
    let shaped = |ok: bool| if ok { Missing } else { Known };
    match skip_or_replace.as_slice() {
        ["COMMENT", ..] => no_effect(Inert::Comment, shaped(comment_shape(text))),
        ["GRANT", ..] => no_effect(Inert::Privileges, shaped(has_word_then_more(text, "TO"))),
        ["REVOKE", ..] => no_effect(Inert::Privileges, shaped(has_word_then_more(text, "FROM"))),
        ["BEGIN", ..] | ["START", "TRANSACTION", ..] => Some((Change::Transaction { control: TxControl::Begin }, Known)),
        ["COMMIT", ..] | ["END", ..] => Some((Change::Transaction { control: TxControl::Commit }, Known)),
        ["ROLLBACK", "TO", ..] | ["SAVEPOINT", ..] | ["RELEASE", ..] => Some((Change::Transaction { control: TxControl::Savepoint }, Known)),
        ["ROLLBACK", ..] => Some((Change::Transaction { control: TxControl::Rollback }, Known)),
        // sqlparser reads only some SET, RESET, ANALYZE and VACUUM forms; their
        // first words are all we go by (a tokenizer error in one is still reported).
        ["SET", rest @ ..] => {
            let name = rest.iter().copied().find(|w| !matches!(*w, "SESSION" | "LOCAL" | "GLOBAL")).unwrap_or("");
            Some((Change::Setting { setting: Setting::named(name.split('=').next().unwrap_or(""), None) }, Missing))
        }
        ["RESET", ..] => Some((Change::Setting { setting: Setting::Other }, Missing)),
        ["PRAGMA", ..] => Some((Change::Setting { setting: Setting::Pragma }, Missing)),
        ["ANALYZE", ..] | ["VACUUM", ..] => no_effect(Inert::Maintenance, Missing),
        ["REINDEX", ..] | ["CLUSTER", ..] => no_effect(Inert::Maintenance, Missing),
        // Extended planner statistics (lemmy's migrations have them): no table, column or type changes.
        ["CREATE", "STATISTICS", ..] | ["DROP", "STATISTICS", ..] | ["ALTER", "STATISTICS", ..] => no_effect(Inert::PlannerStatistics, Missing),
        ["REFRESH", ..] => no_effect(Inert::RefreshView, Missing),
        ["SELECT", ..] => unmodelled(UnmodelledKind::Select, Known),
        ["PERFORM", ..] => unmodelled(UnmodelledKind::Select, Missing),
        ["CREATE", "EXTENSION", ..] | ["DROP", "EXTENSION", ..] => no_effect(Inert::Extension, Known),
        ["ALTER", "EXTENSION", ..] => no_effect(Inert::Extension, Missing),
        ["CREATE", "FUNCTION", ..] | ["CREATE", "PROCEDURE", ..] | ["DROP", "FUNCTION", ..] | ["DROP", "PROCEDURE", ..] | ["ALTER", "FUNCTION", ..] => {
            unmodelled(UnmodelledKind::Function, Missing)
        }
        ["CREATE", "TRIGGER", ..] | ["CREATE", "CONSTRAINT", "TRIGGER", ..] | ["DROP", "TRIGGER", ..] | ["ALTER", "TRIGGER", ..] => {
            unmodelled(UnmodelledKind::Trigger, Missing)
        }
        ["CREATE", "RULE", ..] | ["DROP", "RULE", ..] | ["CREATE", "POLICY", ..] | ["DROP", "POLICY", ..] | ["ALTER", "POLICY", ..] => {
            unmodelled(UnmodelledKind::RuleOrPolicy, Missing)
        }
        ["DO", ..] => unmodelled(UnmodelledKind::DoBlock, Missing),
        ["CREATE", "AGGREGATE", ..]
        | ["CREATE", "OPERATOR", ..]
        | ["CREATE", "CAST", ..]
        | ["CREATE", "COLLATION", ..]
        | ["CREATE", "TEXT", ..]
        | ["CREATE", "LANGUAGE", ..] => no_effect(Inert::ObjectWithoutData, Missing),
        ["ALTER", "SEQUENCE", ..] | ["CREATE", "SEQUENCE", ..] | ["DROP", "SEQUENCE", ..] => no_effect(Inert::Sequence, Missing),
        ["CREATE", "SCHEMA", ..] => no_effect(Inert::Schema, Known),
        ["NOTIFY", ..] | ["LISTEN", ..] => no_effect(Inert::Notification, Known),
        ["PREPARE", ..] | ["EXECUTE", ..] => unmodelled(UnmodelledKind::DynamicSql, Missing),
        ["DEALLOCATE", ..] => no_effect(Inert::Deallocate, Missing),
        _ => None,
    }
}

/// The significant tokens of `text` (any dialect's quoting is close enough for a shape check).
fn shape_tokens(text: &str) -> Option<Vec<Token>> {
    let d = sqlparser::dialect::GenericDialect {};
    let tokens = sqlparser::tokenizer::Tokenizer::new(&d, text).tokenize().ok()?;
    Some(tokens.into_iter().filter(|t| !matches!(t, Token::Whitespace(_) | Token::EOF | Token::SemiColon)).collect())
}

fn is_word(t: &Token, k: &str) -> bool {
    matches!(t, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(k))
}

/// `COMMENT ON <object …> IS '<text>' | NULL`.
fn comment_shape(text: &str) -> bool {
    let Some(t) = shape_tokens(text) else { return false };
    let n = t.len();
    n >= 5
        && is_word(&t[1], "ON")
        && is_word(&t[n - 2], "IS")
        && (is_word(&t[n - 1], "NULL")
            || matches!(
                &t[n - 1],
                Token::SingleQuotedString(_) | Token::DollarQuotedString(_) | Token::EscapedStringLiteral(_) | Token::NationalStringLiteral(_)
            ))
}

/// GRANT … TO <grantee> / REVOKE … FROM <grantee>: the keyword, then at least one token.
fn has_word_then_more(text: &str, word: &str) -> bool {
    let Some(t) = shape_tokens(text) else { return false };
    t.iter().position(|x| is_word(x, word)).is_some_and(|i| i >= 2 && i + 1 < t.len())
}

/// Words that shape a statement and never name an object in it.
const STRUCTURE: &[&str] = &[
    "ADD",
    "ALTER",
    "AND",
    "AS",
    "BY",
    "CASCADE",
    "CHANGE",
    "CHECK",
    "COLUMN",
    "CONCURRENTLY",
    "CONSTRAINT",
    "CREATE",
    "DATA",
    "DEFAULT",
    "DROP",
    "EACH",
    "EXISTS",
    "EXPRESSION",
    "FOR",
    "FOREIGN",
    "FROM",
    "IDENTITY",
    "IF",
    "INDEX",
    "INTO",
    "KEY",
    "MATERIALIZED",
    "MODIFY",
    "NOT",
    "NULL",
    "ON",
    "ONLY",
    "OR",
    "PRIMARY",
    "REFERENCES",
    "RENAME",
    "REPLACE",
    "RESTRICT",
    "ROW",
    "SELECT",
    "SEQUENCE",
    "SET",
    "STATISTICS",
    "TABLE",
    "TEMP",
    "TEMPORARY",
    "TO",
    "TYPE",
    "UNIQUE",
    "UPDATE",
    "USING",
    "VIEW",
    "WHERE",
    "WITH",
];

/// Words after which an object's name may come.
const NAME_BEFORE: &[&str] =
    &["TABLE", "INDEX", "VIEW", "COLUMN", "ON", "TO", "INTO", "UPDATE", "REFERENCES", "RENAME", "ALTER", "DROP", "ADD", "MODIFY", "CHANGE", "TYPE", "SEQUENCE"];

/// Words that may stand between such a word and the name.
const BEFORE_NAME: &[&str] = &["IF", "NOT", "EXISTS", "ONLY", "CONCURRENTLY", "COLUMN", "TABLE", "INDEX", "VIEW", "MATERIALIZED"];

/// The objects a statement the parser cannot read names, from its tokens: a
/// table, index or column name after ALTER, DROP, RENAME, TABLE, ON, … (as
/// far as the tokenizer gets), folded as the dialect folds names.
pub(crate) fn named_objects(dialect: Dialect, text: &str) -> Vec<String> {
    let pd = dialect.parser_dialect();
    let mut tokens = Vec::new();
    // A tokenizer error leaves the tokens before it in `tokens`: those are used.
    let _ = sqlparser::tokenizer::Tokenizer::new(pd.as_ref(), text).tokenize_with_location_into_buf(&mut tokens);
    let sig: Vec<&Token> = tokens.iter().map(|t| &t.token).filter(|t| !matches!(t, Token::Whitespace(_) | Token::EOF)).collect();
    let is = |t: &Token, set: &[&str]| matches!(t, Token::Word(w) if w.quote_style.is_none() && set.iter().any(|k| w.value.eq_ignore_ascii_case(k)));
    let mut names: Vec<String> = Vec::new();
    let mut i = 0;
    while i < sig.len() && names.len() < 8 {
        if !is(sig[i], NAME_BEFORE) {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < sig.len() && is(sig[j], BEFORE_NAME) {
            j += 1;
        }
        // A dotted name: word (. word)*.
        let mut parts = Vec::new();
        while let Some(Token::Word(w)) = sig.get(j) {
            if w.quote_style.is_none() && STRUCTURE.iter().any(|k| w.value.eq_ignore_ascii_case(k)) {
                break;
            }
            parts
                .push(ident(dialect, &sqlparser::ast::Ident { value: w.value.clone(), quote_style: w.quote_style, span: sqlparser::tokenizer::Span::empty() }));
            if matches!(sig.get(j + 1), Some(Token::Period)) {
                j += 2;
            } else {
                j += 1;
                break;
            }
        }
        if !parts.is_empty() {
            let name = qualify(dialect, &parts);
            if !names.contains(&name) {
                names.push(name);
            }
        }
        i = j.max(i + 1);
    }
    names
}

/// First words of MySQL `ALTER TABLE` table options that change no column.
const TABLE_OPTIONS: &[&str] = &[
    "COMMENT",
    "ENGINE",
    "CHARSET",
    "CHARACTER",
    "COLLATE",
    "CONVERT",
    "ROW_FORMAT",
    "KEY_BLOCK_SIZE",
    "STATS_PERSISTENT",
    "STATS_AUTO_RECALC",
    "STATS_SAMPLE_PAGES",
    "PACK_KEYS",
    "CHECKSUM",
    "DELAY_KEY_WRITE",
    "AVG_ROW_LENGTH",
    "MAX_ROWS",
    "MIN_ROWS",
    "FORCE",
    "ENABLE",
    "DISABLE",
];

/// SQLite: a column's declared type as written, which `PRAGMA table_info`
/// shows verbatim (sqlparser re-renders it: `varchar(255)` → `VARCHAR(255)`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DeclaredType {
    /// The column name, folded.
    pub(crate) column: String,
    /// The type's text, exactly as in the statement (empty: no type).
    pub(crate) text: String,
    /// How many words the type name has (`UNSIGNED BIG INT`: 3).
    pub(crate) words: usize,
    /// Token range of the type name words (for rewriting), end exclusive.
    pub(crate) word_range: (usize, usize),
}

/// SQLite column keywords that end a type name.
const SQLITE_COLUMN_KEYWORDS: &[&str] =
    &["CONSTRAINT", "PRIMARY", "NOT", "NULL", "UNIQUE", "CHECK", "DEFAULT", "COLLATE", "REFERENCES", "GENERATED", "AS", "AUTOINCREMENT"];

/// The declared types of the columns a SQLite `CREATE TABLE (…)` or
/// `ALTER TABLE … ADD [COLUMN]` defines, from the statement's tokens.
pub(crate) fn sqlite_type_spans(text: &str) -> Vec<DeclaredType> {
    let d = sqlparser::dialect::SQLiteDialect {};
    let Ok(tokens) = sqlparser::tokenizer::Tokenizer::new(&d, text).tokenize() else { return Vec::new() };
    let kw = |t: &Token, k: &str| matches!(t, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(k));
    let sig: Vec<usize> = (0..tokens.len()).filter(|&i| !matches!(tokens[i], Token::Whitespace(_) | Token::EOF)).collect();
    let word_at = |n: usize| sig.get(n).map(|&i| &tokens[i]);
    // Column definitions as ranges of significant-token positions.
    let mut defs: Vec<(usize, usize)> = Vec::new();
    if word_at(0).is_some_and(|t| kw(t, "CREATE")) {
        let Some(open) = (0..sig.len()).find(|&n| matches!(tokens[sig[n]], Token::LParen)) else { return Vec::new() };
        if (0..open).any(|n| kw(&tokens[sig[n]], "AS") || kw(&tokens[sig[n]], "SELECT")) {
            return Vec::new();
        }
        let (mut depth, mut from) = (0i32, open + 1);
        for n in open..sig.len() {
            match tokens[sig[n]] {
                Token::LParen => depth += 1,
                Token::RParen => {
                    depth -= 1;
                    if depth == 0 {
                        defs.push((from, n));
                        break;
                    }
                }
                Token::Comma if depth == 1 => {
                    defs.push((from, n));
                    from = n + 1;
                }
                _ => {}
            }
        }
    } else if word_at(0).is_some_and(|t| kw(t, "ALTER")) {
        if let Some(add) = (0..sig.len()).find(|&n| kw(&tokens[sig[n]], "ADD")) {
            let start = if word_at(add + 1).is_some_and(|t| kw(t, "COLUMN")) { add + 2 } else { add + 1 };
            defs.push((start, sig.len()));
        }
    }
    let mut out = Vec::new();
    for (from, to) in defs {
        let Some(Token::Word(name)) = word_at(from) else { continue };
        if from >= to || ["CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"].iter().any(|k| kw(&tokens[sig[from]], k)) {
            continue;
        }
        let mut n = from + 1;
        while n < to && matches!(&tokens[sig[n]], Token::Word(_)) && !SQLITE_COLUMN_KEYWORDS.iter().any(|k| kw(&tokens[sig[n]], k)) {
            n += 1;
        }
        let words = n - (from + 1);
        let mut end = n;
        if words > 0 && n < to && matches!(tokens[sig[n]], Token::LParen) {
            if let Some(close) = (n..to).find(|&m| matches!(tokens[sig[m]], Token::RParen)) {
                end = close + 1;
            }
        }
        let text = if words == 0 { String::new() } else { tokens[sig[from + 1]..sig[end - 1] + 1].iter().map(|t| t.to_string()).collect() };
        let column = name.value.to_lowercase();
        let word_range = if words == 0 { (0, 0) } else { (sig[from + 1], sig[n - 1] + 1) };
        out.push(DeclaredType { column, text, words, word_range });
    }
    out
}

/// What one action of an `ALTER TABLE` sqlparser cannot parse as a whole does.
pub(crate) enum AlterAction {
    /// `ALTER CONSTRAINT … DEFERRABLE`, `ALTER COLUMN … SET STATISTICS | STORAGE | COMPRESSION`.
    NoEffect,
    /// A MySQL table option (storage, comment, character set).
    Option(TableOption),
    /// `ALTER COLUMN c DROP EXPRESSION`, with the column folded.
    DropExpression(String),
    /// `ALTER COLUMN c DROP IDENTITY [IF EXISTS]`, with the column folded.
    DropIdentity(String),
    /// An action sqlparser reads on its own.
    Ops(Vec<AlterTableOperation>),
}

/// An `ALTER TABLE` read action by action.
pub(crate) struct SplitAlterTable {
    pub(crate) if_exists: bool,
    pub(crate) name: ObjectName,
    pub(crate) actions: Vec<AlterAction>,
}

/// An `ALTER TABLE` that sqlparser cannot parse as a whole: split it into
/// its actions, recognise the ones sqlparser has no grammar for
/// (`ALTER CONSTRAINT … DEFERRABLE`, `ALTER COLUMN … DROP EXPRESSION |
/// DROP IDENTITY | SET STATISTICS | SET STORAGE | SET COMPRESSION`) and
/// parse each other action on its own. `None` unless every action is understood.
pub(crate) fn split_alter_table(d: Dialect, text: &str) -> Option<SplitAlterTable> {
    let pd = d.parser_dialect();
    let tokens = sqlparser::tokenizer::Tokenizer::new(pd.as_ref(), text).tokenize().ok()?;
    let tokens: Vec<Token> = tokens.into_iter().filter(|t| !matches!(t, Token::Whitespace(_) | Token::EOF | Token::SemiColon)).collect();
    let kw = |t: &Token, k: &str| matches!(t, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(k));
    if tokens.len() < 3 || !kw(&tokens[0], "ALTER") || !kw(&tokens[1], "TABLE") {
        return None;
    }
    let mut i = 2;
    let mut if_exists = false;
    if tokens.len() > i + 1 && kw(&tokens[i], "IF") && kw(&tokens[i + 1], "EXISTS") {
        if_exists = true;
        i += 2;
    }
    if tokens.get(i).is_some_and(|t| kw(t, "ONLY")) {
        i += 1;
    }
    // The table name: words joined by periods.
    let name_start = i;
    while i < tokens.len() {
        let word = matches!(tokens[i], Token::Word(_));
        let dot_next = matches!(tokens.get(i + 1), Some(Token::Period));
        i += if word && dot_next { 2 } else { 1 };
        if !(word && dot_next) {
            break;
        }
    }
    let name_text: String = tokens[name_start..i].iter().map(|t| t.to_string()).collect();
    // Actions, split at top-level commas.
    let mut pieces: Vec<&[Token]> = Vec::new();
    let (mut depth, mut from) = (0i32, i);
    for (j, t) in tokens.iter().enumerate().skip(i) {
        match t {
            Token::LParen => depth += 1,
            Token::RParen => depth -= 1,
            Token::Comma if depth == 0 => {
                pieces.push(&tokens[from..j]);
                from = j + 1;
            }
            _ => {}
        }
    }
    pieces.push(&tokens[from..]);
    let mut actions = Vec::new();
    for a in pieces {
        if a.is_empty() {
            return None;
        }
        // ALTER [COLUMN] col <op>
        let col_op = if kw(&a[0], "ALTER") {
            let c = if a.len() > 1 && kw(&a[1], "COLUMN") { 2 } else { 1 };
            match a.get(c) {
                Some(Token::Word(w)) if !kw(&a[c], "CONSTRAINT") => Some((
                    ident(d, &sqlparser::ast::Ident { value: w.value.clone(), quote_style: w.quote_style, span: sqlparser::tokenizer::Span::empty() }),
                    &a[c + 1..],
                )),
                _ => None,
            }
        } else {
            None
        };
        let action = match col_op {
            Some((col, rest)) if rest.len() >= 2 && kw(&rest[0], "DROP") && kw(&rest[1], "EXPRESSION") => AlterAction::DropExpression(col),
            Some((col, rest)) if rest.len() >= 2 && kw(&rest[0], "DROP") && kw(&rest[1], "IDENTITY") => AlterAction::DropIdentity(col),
            Some((_, rest)) if rest.len() >= 2 && kw(&rest[0], "SET") && ["STATISTICS", "STORAGE", "COMPRESSION"].iter().any(|k| kw(&rest[1], k)) => {
                AlterAction::NoEffect
            }
            _ if a.len() >= 2 && kw(&a[0], "ALTER") && kw(&a[1], "CONSTRAINT") => AlterAction::NoEffect,
            // MySQL table options: storage, comment, character set.
            _ if kw(&a[0], "CONVERT") => AlterAction::Option(TableOption::ConvertCharset),
            _ if TABLE_OPTIONS.iter().any(|k| kw(&a[0], k))
                || (a.len() >= 2 && kw(&a[0], "DEFAULT") && ["CHARSET", "CHARACTER", "COLLATE"].iter().any(|k| kw(&a[1], k))) =>
            {
                AlterAction::Option(TableOption::Other)
            }
            _ => {
                let mut action: String = a.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(" ");
                // MySQL 8's `DROP CHECK name` is `DROP CONSTRAINT name`.
                if a.len() == 3 && kw(&a[0], "DROP") && kw(&a[1], "CHECK") {
                    action = format!("DROP CONSTRAINT {}", a[2]);
                }
                let sql = format!("ALTER TABLE {name_text} {action}");
                match sqlparser::parser::Parser::parse_sql(pd.as_ref(), &sql).ok().and_then(|mut v| v.pop()) {
                    Some(Statement::AlterTable(at)) => AlterAction::Ops(at.operations),
                    _ => return None,
                }
            }
        };
        actions.push(action);
    }
    let name = sqlparser::parser::Parser::new(pd.as_ref()).try_with_sql(&name_text).and_then(|mut p| p.parse_object_name(false)).ok()?;
    Some(SplitAlterTable { if_exists, name, actions })
}

/// An `ALTER INDEX` sqlparser does not read.
pub(crate) enum AlterIndex {
    /// `ALTER INDEX [IF EXISTS] name RENAME TO new`.
    Rename { name: ObjectName, to: ObjectName, if_exists: bool },
    /// `SET TABLESPACE`, `SET (…)`, `ALTER COLUMN n SET STATISTICS`,
    /// `ATTACH PARTITION`, …: the columns stay as they are.
    StorageOption,
}

/// `ALTER INDEX [IF EXISTS] name …`: sqlparser reads only `RENAME TO`, and
/// not after `IF EXISTS`.
pub(crate) fn alter_index(d: Dialect, text: &str) -> Option<AlterIndex> {
    let pd = d.parser_dialect();
    let tokens = sqlparser::tokenizer::Tokenizer::new(pd.as_ref(), text).tokenize().ok()?;
    let sig: Vec<&Token> = tokens.iter().filter(|t| !matches!(t, Token::Whitespace(_) | Token::EOF | Token::SemiColon)).collect();
    let kw = |t: Option<&&Token>, k: &str| matches!(t, Some(Token::Word(w)) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(k));
    if !kw(sig.first(), "ALTER") || !kw(sig.get(1), "INDEX") {
        return None;
    }
    let if_exists = kw(sig.get(2), "IF") && kw(sig.get(3), "EXISTS");
    let rest = &sig[if if_exists { 4 } else { 2 }..];
    let rest_text: String = rest.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(" ");
    if let Ok(mut stmts) = sqlparser::parser::Parser::parse_sql(pd.as_ref(), &format!("ALTER INDEX {rest_text}")) {
        if let (1, Some(Statement::AlterIndex { name, operation: AlterIndexOperation::RenameIndex { index_name } })) = (stmts.len(), stmts.pop()) {
            return Some(AlterIndex::Rename { name, to: index_name, if_exists });
        }
    }
    // The name, then an action that leaves the columns as they are.
    let mut i = 0;
    while matches!(rest.get(i), Some(Token::Word(_))) && matches!(rest.get(i + 1), Some(Token::Period)) {
        i += 2;
    }
    if !matches!(rest.get(i), Some(Token::Word(_))) {
        return None;
    }
    let action = &rest[i + 1..];
    let first = action.first();
    let storage = (kw(first, "SET") || kw(first, "RESET"))
        || (kw(first, "ALTER") && action.iter().any(|t| kw(Some(t), "STATISTICS")))
        || (kw(first, "ATTACH") && kw(action.get(1), "PARTITION"))
        || (kw(first, "NO") || kw(first, "DEPENDS"));
    storage.then_some(AlterIndex::StorageOption)
}

/// `DROP INDEX CONCURRENTLY …`, which sqlparser does not parse: the same
/// statement without the keyword (the caller's text keeps it).
pub(crate) fn drop_index_without_concurrently(d: Dialect, text: &str) -> Option<Statement> {
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.len() < 4 || !words[0].eq_ignore_ascii_case("DROP") || !words[1].eq_ignore_ascii_case("INDEX") || !words[2].eq_ignore_ascii_case("CONCURRENTLY") {
        return None;
    }
    let sql = format!("DROP INDEX {}", words[3..].join(" "));
    let pd = d.parser_dialect();
    match sqlparser::parser::Parser::parse_sql(pd.as_ref(), &sql) {
        Ok(mut stmts) if stmts.len() == 1 => stmts.pop(),
        _ => None,
    }
}

/// SQLite takes any run of words as a type name (`UNSIGNED BIG INT`);
/// sqlparser does not. Join each such run of `declared` into one word and
/// parse again (the declared text is what the catalog keeps).
pub(crate) fn join_sqlite_type_names(declared: &[DeclaredType], text: &str) -> Option<Statement> {
    if !declared.iter().any(|t| t.words > 1) {
        return None;
    }
    let d = sqlparser::dialect::SQLiteDialect {};
    let mut tokens = sqlparser::tokenizer::Tokenizer::new(&d, text).tokenize().ok()?;
    for t in declared.iter().rev().filter(|t| t.words > 1) {
        let (a, b) = t.word_range;
        let joined: Vec<String> = tokens[a..b].iter().filter_map(|t| if let Token::Word(w) = t { Some(w.value.clone()) } else { None }).collect();
        tokens.splice(a..b, [Token::make_word(&joined.join("_"), None)]);
    }
    let sql: String = tokens.iter().map(|t| t.to_string()).collect();
    match sqlparser::parser::Parser::parse_sql(&d, &sql) {
        Ok(mut stmts) if stmts.len() == 1 => stmts.pop(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_words_classify_what_sqlparser_cannot_read() {
        let (c, g) = classify_unparsed("COMMENT ON FUNCTION f(int) IS 'x'").unwrap();
        assert_eq!((c, g), (Change::NoSchemaEffect { what: Inert::Comment }, Grammar::Missing));
        // The shape is wrong: sqlparser's grammar applies, so the statement is broken.
        assert_eq!(classify_unparsed("COMMENT ON t IS").unwrap().1, Grammar::Known);
        assert_eq!(classify_unparsed("SET LOCAL lock_timeout TO '5s'").unwrap().0, Change::Setting { setting: Setting::LockTimeout });
        assert!(classify_unparsed("FROB t").is_none());
    }

    #[test]
    fn an_unreadable_statement_names_what_its_tokens_show() {
        assert_eq!(named_objects(Dialect::Postgres, "ALTER TABLE IF EXISTS ONLY public.t FROB COLUMN \"A\""), ["t", "A"]);
        assert_eq!(named_objects(Dialect::Postgres, "DROP INDEX CONCURRENTLY IF EXISTS idx FROB"), ["idx"]);
    }

    #[test]
    fn an_alter_table_is_read_action_by_action() {
        let split = split_alter_table(Dialect::Postgres, "ALTER TABLE IF EXISTS s.t ALTER COLUMN b DROP EXPRESSION, ALTER c DROP IDENTITY, ADD x int").unwrap();
        assert!(split.if_exists);
        assert_eq!(split.name.to_string(), "s.t");
        assert!(
            matches!(&split.actions[..], [AlterAction::DropExpression(b), AlterAction::DropIdentity(c), AlterAction::Ops(ops)] if b == "b" && c == "c" && ops.len() == 1)
        );
        assert!(split_alter_table(Dialect::Postgres, "ALTER TABLE t ALTER COLUMN a FROB").is_none());
    }

    #[test]
    fn sqlite_many_word_type_names_are_joined_to_parse() {
        let text = "CREATE TABLE t (big UNSIGNED BIG INT, n varchar(255))";
        let declared = sqlite_type_spans(text);
        assert_eq!(
            declared.iter().map(|t| (t.column.as_str(), t.text.as_str(), t.words)).collect::<Vec<_>>(),
            [("big", "UNSIGNED BIG INT", 3), ("n", "varchar(255)", 1)]
        );
        assert!(matches!(join_sqlite_type_names(&declared, text), Some(Statement::CreateTable(_))));
    }
}
