//! Splitting a script into statements and parsing each one.

use crate::diag::Location;
use crate::Dialect;
use sqlparser::ast::Statement;
use sqlparser::keywords::Keyword;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Token, TokenWithSpan, Tokenizer, Whitespace};

/// One statement of a script, parsed or not.
#[derive(Debug, Clone)]
pub struct ScriptStatement {
    /// Where the statement's first token is.
    pub location: Location,
    /// The statement's text, without the terminating `;`.
    pub text: String,
    /// `--` comments on the lines just before the statement (for suppressions).
    pub leading_comments: Vec<(u32, String)>,
    pub body: StatementBody,
}

#[derive(Debug, Clone)]
pub enum StatementBody {
    Parsed(ParsedStatement),
    /// Parsing failed: the message and where.
    Error {
        location: Location,
        message: String,
        /// The tokenizer failed (an unterminated quote, dollar quote or
        /// comment): where the statement ends is a guess (the next `;` at the
        /// end of a line), and its first words say nothing reliable about it.
        tokenizer: bool,
    },
}

#[derive(Debug, Clone)]
pub struct ParsedStatement {
    pub statement: Box<Statement>,
}

/// Tokenise and split `text` (a leading UTF-8 byte order mark is skipped, as
/// Flyway does). A tokenizer error (an unterminated string, dollar quote or
/// comment) is confined to its statement: the statements before it are
/// returned as usual, the text from its start to the next `;` that ends a
/// line is one error statement, and the statements after that are read again.
pub fn parse_script(dialect: Dialect, file: &str, text: &str, first_line: u32) -> Vec<ScriptStatement> {
    let mut out = Vec::new();
    for_each_statement(dialect, file, text, first_line, |s| out.push(s));
    out
}

/// How much text is tokenised at once: a large script is read a chunk at a
/// time (each ending at a `;` that ends a line), so that its tokens and
/// syntax trees are not all held at once (a 50 MB migration took 7.6 GB).
const CHUNK: usize = 256 << 10;

/// Where the first chunk of `text` ends: just after the first `;` + newline
/// at or beyond `at` bytes, or the end.
fn chunk_end(text: &str, at: usize) -> usize {
    if at >= text.len() {
        return text.len();
    }
    let from = (at..text.len()).find(|&i| text.is_char_boundary(i)).unwrap_or(text.len());
    text[from..].find(";\n").map(|i| from + i + 2).unwrap_or(text.len())
}

/// [`parse_script`], handing each statement to `emit` as soon as it is read.
///
/// The text is tokenised a chunk at a time. A chunk's end is only taken where
/// the tokenizer and the splitter both end cleanly there (outside any quote,
/// comment or BEGIN … END body); otherwise the chunk grows. The tokens and
/// statements are then the same as for the whole text at once.
pub fn for_each_statement(dialect: Dialect, file: &str, text: &str, first_line: u32, emit: impl FnMut(ScriptStatement)) {
    for_each_statement_in_chunks(dialect, file, text, first_line, CHUNK, emit)
}

/// [`for_each_statement`] with chunks of at least `chunk` bytes (the
/// `split_chunks` fuzz target checks that any chunk size reads the same
/// statements as one chunk).
#[doc(hidden)]
pub fn for_each_statement_in_chunks(dialect: Dialect, file: &str, text: &str, first_line: u32, chunk: usize, mut emit: impl FnMut(ScriptStatement)) {
    let d = dialect.parser_dialect();
    let mut rest = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut line = first_line;
    // A loop, not recursion: a file of many broken statements must not grow the stack.
    loop {
        let mut size = chunk.max(1);
        let (chunk, result, bad, groups, tail) = loop {
            let end = chunk_end(rest, size);
            let chunk = &rest[..end];
            let mut tokens = Vec::new();
            let result = Tokenizer::new(d.as_ref(), chunk).tokenize_with_location_into_buf(&mut tokens);
            let last = end == rest.len();
            if result.is_err() && !last {
                size = size.saturating_mul(2);
                continue;
            }
            // Where the token that failed begins: just after the last good one.
            let bad = tokens.iter().rev().find(|t| t.token != Token::EOF).map(|t| t.span.end).unwrap_or(sqlparser::tokenizer::Location { line: 1, column: 1 });
            // The chunk must end with a `;` token: a `;` + newline at the end of a
            // `--` comment would cut the comment off the statement it precedes.
            let at_semicolon = tokens
                .iter()
                .rev()
                .find(|t| !matches!(t.token, Token::EOF | Token::Whitespace(Whitespace::Space | Whitespace::Newline | Whitespace::Tab)))
                .is_some_and(|t| t.token == Token::SemiColon);
            let (groups, tail) = split(tokens);
            // A chunk that ends inside a statement (a BEGIN … END body) is not a chunk.
            if (tail.is_some() || !at_semicolon) && !last {
                size = size.saturating_mul(2);
                continue;
            }
            break (chunk, result, bad, groups, tail);
        };
        let lines = LineIndex::new(chunk);
        for group in groups {
            emit_group(&mut emit, d.as_ref(), file, chunk, &lines, line, group);
        }
        let Err(e) = result else {
            if let Some(group) = tail {
                emit_group(&mut emit, d.as_ref(), file, chunk, &lines, line, group);
            }
            if chunk.len() == rest.len() {
                return;
            }
            // The chunk's newlines: its line index has one start per line.
            line += (lines.starts.len() - 1) as u32;
            rest = &rest[chunk.len()..];
            continue;
        };
        // The broken statement: from its first token (or the bad token) to the next `;` ending a line.
        let (start, comments) = match &tail {
            Some(g) => (g.tokens.iter().find(|t| !is_trivia(&t.token)).map(|t| t.span.start).unwrap_or(bad), g.comments.clone()),
            None => (bad, Vec::new()),
        };
        let from = lines.offset(rest, start.line, start.column);
        let bad_at = lines.offset(rest, bad.line, bad.column).max(from);
        let (end, resume) = safe_boundary(rest, bad_at);
        let location = Location::new(file, start.line as u32 + line - 1, start.column as u32);
        let error_at = Location::new(file, bad.line as u32 + line - 1, bad.column as u32);
        emit(ScriptStatement {
            location,
            text: rest[from..end].trim_end().to_string(),
            leading_comments: comments.into_iter().map(|(l, c)| (l + line - 1, c)).collect(),
            body: StatementBody::Error { location: error_at, message: e.message, tokenizer: true },
        });
        let Some(resume) = resume else { return };
        line += rest[..resume].bytes().filter(|b| *b == b'\n').count() as u32;
        rest = &rest[resume..];
    }
}

/// After a tokenizer error at byte `at`: the end of the broken statement (the
/// next `;` followed only by blanks or a `--` comment up to the end of its
/// line) and where reading starts again (the next line), if anywhere.
fn safe_boundary(text: &str, at: usize) -> (usize, Option<usize>) {
    let mut from = at;
    while let Some(i) = text[from..].find(';').map(|i| from + i) {
        let line_end = text[i + 1..].find('\n').map(|n| i + 1 + n).unwrap_or(text.len());
        let after = text[i + 1..line_end].trim();
        if after.is_empty() || after.starts_with("--") {
            let resume = (line_end < text.len()).then_some(line_end + 1);
            return (i, resume);
        }
        from = i + 1;
    }
    (text.len(), None)
}

fn emit_group(
    emit: &mut impl FnMut(ScriptStatement),
    d: &dyn sqlparser::dialect::Dialect,
    file: &str,
    text: &str,
    lines: &LineIndex,
    first_line: u32,
    group: Group,
) {
    let Some(first) = group.tokens.iter().find(|t| !is_trivia(&t.token)) else { return };
    let start = first.span.start;
    let last = group.tokens.iter().rev().find(|t| !is_trivia(&t.token)).unwrap_or(first);
    let text_slice = lines.slice(text, (start.line, start.column), (last.span.end.line, last.span.end.column));
    let location = Location::new(file, start.line as u32 + first_line - 1, start.column as u32);
    let text_slice = text_slice.to_string();
    let body = parse_group(d, group.tokens, file, first_line);
    emit(ScriptStatement { location, text: text_slice, leading_comments: group.comments.into_iter().map(|(l, c)| (l + first_line - 1, c)).collect(), body });
}

fn parse_group(d: &dyn sqlparser::dialect::Dialect, tokens: Vec<TokenWithSpan>, file: &str, first_line: u32) -> StatementBody {
    let fallback = tokens.iter().find(|t| !is_trivia(&t.token)).map(|t| t.span.start);
    // A parser gap with a known repair: read the statement again without the
    // part it stumbles on. Only a statement with a word a repair looks for
    // keeps a copy of its tokens for that.
    let spare = tokens.iter().any(|t| matches!(keyword(&t.token), Some(Keyword::COLLATE | Keyword::TRIGGER))).then(|| tokens.clone());
    let body = parse_tokens(d, tokens, file, first_line, fallback);
    if let (StatementBody::Error { location, message, .. }, Some(tokens)) = (&body, spare) {
        // MySQL's `CREATE TRIGGER … FOR EACH ROW SET NEW.a = 1` wants its
        // one-statement body ended by the `;` that the splitter took off.
        if message == "Expected: ;, found: EOF" {
            let mut ended = tokens.clone();
            ended.push(TokenWithSpan::wrap(Token::SemiColon));
            if let ok @ StatementBody::Parsed(_) = parse_tokens(d, ended, file, first_line, fallback) {
                return ok;
            }
        }
        if let Some(repaired) = without_alter_type_collation(&tokens, location.line + 1 - first_line, location.column) {
            if let ok @ StatementBody::Parsed(_) = parse_tokens(d, repaired, file, first_line, fallback) {
                return ok;
            }
        }
    }
    body
}

/// `ALTER TABLE t ALTER [COLUMN] c [SET DATA] TYPE varchar COLLATE "C"`
/// (PostgreSQL): sqlparser 0.64 reads a COLLATE clause in a column
/// definition but not after an ALTER COLUMN's new type. The collation
/// changes neither the column's name nor its type, which is all the model
/// records (the type change itself, and its table rewrite, still are), so
/// when the parser fails on that COLLATE, the statement is read without
/// `COLLATE <name>`.
fn without_alter_type_collation(tokens: &[TokenWithSpan], line: u32, column: u32) -> Option<Vec<TokenWithSpan>> {
    let mut words = tokens.iter().filter(|t| !is_trivia(&t.token)).map(|t| keyword(&t.token));
    if (words.next()?, words.next()?) != (Some(Keyword::ALTER), Some(Keyword::TABLE)) {
        return None;
    }
    let at = tokens.iter().position(|t| t.span.start.line == u64::from(line) && t.span.start.column == u64::from(column))?;
    if keyword(&tokens[at].token) != Some(Keyword::COLLATE) || !tokens[..at].iter().any(|t| keyword(&t.token) == Some(Keyword::TYPE)) {
        return None;
    }
    // The collation's name: words joined by dots (`pg_catalog."C"`).
    let mut end = at + 1;
    let mut want_word = true;
    while let Some(t) = tokens.get(end) {
        match (&t.token, want_word) {
            (Token::Whitespace(_), _) => {}
            (Token::Word(_), true) => want_word = false,
            (Token::Period, false) => want_word = true,
            _ => break,
        }
        end += 1;
    }
    if want_word {
        return None;
    }
    let mut out = tokens[..at].to_vec();
    out.extend_from_slice(&tokens[end..]);
    Some(out)
}

fn parse_tokens(
    d: &dyn sqlparser::dialect::Dialect,
    tokens: Vec<TokenWithSpan>,
    file: &str,
    first_line: u32,
    fallback: Option<sqlparser::tokenizer::Location>,
) -> StatementBody {
    let mut parser = Parser::new(d).with_tokens_with_locations(tokens);
    let result = parser.parse_statement().and_then(|s| {
        // Anything left over (other than a stray `;`) means the statement did not parse as a whole.
        loop {
            let next = parser.peek_token();
            match next.token {
                Token::EOF => return Ok(s),
                Token::SemiColon => {
                    parser.next_token();
                }
                _ => {
                    return Err(sqlparser::parser::ParserError::ParserError(format!(
                        "Expected: end of statement, found: {} at Line: {}, Column: {}",
                        next.token, next.span.start.line, next.span.start.column
                    )))
                }
            }
        }
    });
    match result {
        Ok(statement) => StatementBody::Parsed(ParsedStatement { statement: Box::new(statement) }),
        Err(e) => {
            let raw = e.to_string();
            let (message, line, col) = split_location(&raw);
            let (line, col) = match (line, col, fallback) {
                (Some(l), Some(c), _) => (l, c),
                (_, _, Some(f)) => (f.line, f.column),
                _ => (1, 1),
            };
            StatementBody::Error { location: Location::new(file, line as u32 + first_line - 1, col as u32), message, tokenizer: false }
        }
    }
}

/// sqlparser puts the location into its message (`… at Line: 2, Column: 19`); take it out.
fn split_location(raw: &str) -> (String, Option<u64>, Option<u64>) {
    let msg = raw.trim_start_matches("sql parser error: ").to_string();
    if let Some(idx) = msg.rfind(" at Line: ") {
        let tail = &msg[idx + " at Line: ".len()..];
        let mut parts = tail.split(", Column: ");
        let line = parts.next().and_then(|l| l.trim().parse().ok());
        let col = parts.next().and_then(|c| c.trim().parse().ok());
        return (msg[..idx].to_string(), line, col);
    }
    (msg, None, None)
}

struct Group {
    tokens: Vec<TokenWithSpan>,
    comments: Vec<(u32, String)>,
}

fn is_trivia(t: &Token) -> bool {
    matches!(t, Token::Whitespace(_) | Token::EOF)
}

fn keyword(t: &Token) -> Option<Keyword> {
    match t {
        Token::Word(w) if w.quote_style.is_none() => Some(w.keyword),
        _ => None,
    }
}

/// Split at top-level semicolons. Bodies delimited by BEGIN … END (SQLite
/// and MySQL triggers, MySQL procedures) are kept whole. The last statement,
/// when no `;` ends it, is returned apart.
fn split(tokens: Vec<TokenWithSpan>) -> (Vec<Group>, Option<Group>) {
    let mut groups = Vec::new();
    let mut cur = Group { tokens: Vec::new(), comments: Vec::new() };
    let mut started = false;
    let mut words: Vec<Keyword> = Vec::new();
    let mut depth = 0i32;
    for t in tokens {
        match &t.token {
            Token::EOF => continue,
            Token::Whitespace(Whitespace::SingleLineComment { comment, .. }) if !started => {
                cur.comments.push((t.span.start.line as u32, comment.trim().to_string()));
                continue;
            }
            Token::Whitespace(_) if !started => continue,
            Token::SemiColon if depth <= 0 => {
                if started {
                    groups.push(std::mem::replace(&mut cur, Group { tokens: Vec::new(), comments: Vec::new() }));
                } else {
                    cur.comments.clear();
                }
                started = false;
                words.clear();
                depth = 0;
                continue;
            }
            _ => {}
        }
        if !is_trivia(&t.token) {
            started = true;
            if let Some(k) = keyword(&t.token) {
                if words.len() < 6 {
                    words.push(k);
                }
                if has_compound_body(&words) {
                    match k {
                        Keyword::BEGIN | Keyword::CASE => depth += 1,
                        Keyword::END => depth -= 1,
                        _ => {}
                    }
                }
            }
        }
        cur.tokens.push(t);
    }
    (groups, started.then_some(cur))
}

/// CREATE [TEMP] TRIGGER / PROCEDURE / FUNCTION without dollar quoting has a
/// BEGIN … END body with `;` inside.
fn has_compound_body(words: &[Keyword]) -> bool {
    words.first() == Some(&Keyword::CREATE) && words.iter().any(|k| matches!(k, Keyword::TRIGGER | Keyword::PROCEDURE))
}

/// Maps (line, column) token positions back to byte offsets.
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> Self {
        let mut starts = vec![0];
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                starts.push(i + 1);
            }
        }
        LineIndex { starts }
    }

    fn offset(&self, text: &str, line: u64, col: u64) -> usize {
        let Some(&start) = self.starts.get((line.max(1) - 1) as usize) else { return text.len() };
        let rest = &text[start..];
        rest.char_indices().nth((col.max(1) - 1) as usize).map(|(i, _)| start + i).unwrap_or(text.len())
    }

    /// Text from `from` up to and including the character at `to` (token end
    /// locations are exclusive in sqlparser, so we stop just before).
    fn slice<'t>(&self, text: &'t str, from: (u64, u64), to: (u64, u64)) -> &'t str {
        let a = self.offset(text, from.0, from.1);
        let b = self.offset(text, to.0, to.1).max(a);
        &text[a..b]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(stmts: &[ScriptStatement]) -> Vec<String> {
        stmts
            .iter()
            .filter_map(|s| match &s.body {
                StatementBody::Error { location, message, .. } => Some(format!("{location}: {message}")),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn splits_and_locates_statements() {
        let sql = "-- first\nCREATE TABLE a (id int);\n\nALTER TABLE a ADD COLUMN b text;";
        let stmts = parse_script(Dialect::Postgres, "m.sql", sql, 1);
        assert_eq!(stmts.len(), 2);
        assert_eq!(stmts[0].location.line, 2);
        assert_eq!(stmts[0].leading_comments, vec![(1, "first".to_string())]);
        assert_eq!(stmts[1].location.line, 4);
        assert_eq!(stmts[1].text, "ALTER TABLE a ADD COLUMN b text");
        assert!(errors(&stmts).is_empty());
    }

    #[test]
    fn one_bad_statement_does_not_hide_the_rest() {
        let sql = "ALTER TABLE users ADD COLUMN nickname TEXT;\nALTER TABLE users ALTR COLUMN nickname SET DEFAULT '';\nDROP TABLE x;";
        let stmts = parse_script(Dialect::Postgres, "V2__nickname.sql", sql, 1);
        assert_eq!(stmts.len(), 3);
        let errs = errors(&stmts);
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(errs[0].starts_with("V2__nickname.sql:2:"), "{}", errs[0]);
        assert!(matches!(stmts[2].body, StatementBody::Parsed(_)));
    }

    #[test]
    fn dollar_quoted_bodies_and_trigger_blocks_stay_whole() {
        let pg = "CREATE FUNCTION f() RETURNS trigger AS $$ BEGIN x := 1; RETURN NEW; END $$ LANGUAGE plpgsql;\nSELECT 1;";
        assert_eq!(parse_script(Dialect::Postgres, "f.sql", pg, 1).len(), 2);
        let lite = "CREATE TRIGGER t AFTER INSERT ON a BEGIN UPDATE a SET x = 1; UPDATE a SET y = CASE WHEN 1 THEN 2 END; END;\nSELECT 1;";
        assert_eq!(parse_script(Dialect::Sqlite, "t.sql", lite, 1).len(), 2);
    }

    #[test]
    fn unterminated_string_is_an_error_with_location() {
        let stmts = parse_script(Dialect::Postgres, "bad.sql", "SELECT 1;\nSELECT 'oops", 1);
        let errs = errors(&stmts);
        assert_eq!(errs.len(), 1);
        assert!(errs[0].starts_with("bad.sql:2:"), "{}", errs[0]);
    }

    fn parsed(stmts: &[ScriptStatement]) -> Vec<String> {
        stmts.iter().filter(|s| matches!(s.body, StatementBody::Parsed(_))).map(|s| s.text.clone()).collect()
    }

    #[test]
    fn a_tokenizer_error_is_confined_to_its_statement() {
        // Each case: the broken statement on line 2, a DROP after it that must still be read.
        let cases = [
            (Dialect::Postgres, "SET lock_timeout = '5s';\nSELECT 'oops;\nALTER TABLE t DROP COLUMN c;\n"),
            (Dialect::Postgres, "SELECT 1;\nCOMMENT ON TABLE t IS \"oops;\nALTER TABLE t DROP COLUMN c;\n"),
            (Dialect::Postgres, "GRANT ALL ON t TO u;\nDO $$ BEGIN PERFORM 1;\nALTER TABLE t DROP COLUMN c;\n"),
            (Dialect::Postgres, "SELECT 1;\nCREATE FUNCTION f() RETURNS int AS $a$ SELECT 1; $b$;\nALTER TABLE t DROP COLUMN c;\n"),
            (Dialect::Postgres, "SELECT 1;\nSELECT E'\\'oops;\nALTER TABLE t DROP COLUMN c;\n"),
            (Dialect::Mysql, "SELECT 1;\nSELECT `oops;\nALTER TABLE t DROP COLUMN c;\n"),
            (Dialect::Sqlite, "SELECT 1;\nSELECT [oops;\nALTER TABLE t DROP COLUMN c;\n"),
        ];
        for (dialect, sql) in cases {
            let stmts = parse_script(dialect, "m.sql", sql, 1);
            let errs = errors(&stmts);
            assert_eq!(errs.len(), 1, "{sql:?}: {errs:?}");
            assert!(errs[0].starts_with("m.sql:2:"), "{sql:?}: {}", errs[0]);
            let bad = stmts.iter().find(|s| matches!(s.body, StatementBody::Error { .. })).unwrap();
            assert!(matches!(bad.body, StatementBody::Error { tokenizer: true, .. }));
            assert_eq!(bad.location.line, 2);
            let ok = parsed(&stmts);
            assert_eq!(ok.len(), 2, "{sql:?}: {ok:?}");
            assert_eq!(ok[1], "ALTER TABLE t DROP COLUMN c", "{sql:?}");
            assert_eq!(stmts.iter().find(|s| s.text.starts_with("ALTER")).unwrap().location.line, 3);
        }
    }

    #[test]
    fn an_unterminated_comment_runs_to_the_end() {
        let stmts = parse_script(Dialect::Postgres, "m.sql", "SELECT 1;\n/* no end\nDROP TABLE t;", 1);
        assert_eq!(errors(&stmts).len(), 1);
        assert_eq!(parsed(&stmts), ["SELECT 1"]);
    }

    #[test]
    fn a_byte_order_mark_is_skipped() {
        let stmts = parse_script(Dialect::Postgres, "V1__x.sql", "\u{feff}CREATE TABLE a (id int);", 1);
        assert!(errors(&stmts).is_empty());
        assert_eq!(stmts[0].location.column, 1);
        assert_eq!(stmts[0].text, "CREATE TABLE a (id int)");
    }

    #[test]
    fn an_alter_type_collation_is_read_without_the_collation() {
        // svix's `correct_collation` migration, accepted by PostgreSQL.
        let text = "ALTER TABLE eventtype ALTER name TYPE VARCHAR COLLATE \"C\";\nALTER TABLE m ALTER COLUMN u SET DATA TYPE text COLLATE pg_catalog.\"C\" USING u::text;\nALTER TABLE m ALTER u TYPE text COLLATE;\nALTER TABLE m COLLATE \"C\";";
        let stmts = parse_script(Dialect::Postgres, "f.sql", text, 1);
        let p: Vec<String> = stmts
            .iter()
            .filter_map(|s| match &s.body {
                StatementBody::Parsed(p) => Some(p.statement.to_string()),
                _ => None,
            })
            .collect();
        assert_eq!(p.len(), 2, "{p:?} {:?}", errors(&stmts));
        assert!(p[0].contains("ALTER COLUMN name SET DATA TYPE VARCHAR") || p[0].contains("ALTER COLUMN name TYPE VARCHAR"), "{p:?}");
        assert!(p[1].contains("USING"), "{p:?}");
        // A COLLATE with no name, or outside an ALTER COLUMN's type, is still an error.
        assert_eq!(errors(&stmts).len(), 2, "{:?}", errors(&stmts));
    }

    #[test]
    fn first_line_offsets_locations() {
        let stmts = parse_script(Dialect::Postgres, "x.sql", "DROP TABLE x;", 10);
        assert_eq!(stmts[0].location.line, 10);
    }

    #[test]
    fn a_large_script_is_read_in_chunks_that_never_cut_a_string_comment_or_body() {
        // Statements with `;` + newline inside a string, a comment, a
        // BEGIN … END body and (PostgreSQL) a dollar string, repeated past
        // several chunk sizes, so that chunk ends fall inside each of them.
        let common = "INSERT INTO t (a) VALUES ('x;\ny');\n/* c;\nd */ CREATE TRIGGER tr_N AFTER INSERT ON t BEGIN\n  UPDATE t SET a = 1;\n  UPDATE t SET a = 2;\nEND;\n";
        for (dialect, unit) in [(Dialect::Sqlite, common.to_string()), (Dialect::Postgres, format!("{common}SELECT $$p;\nq$$;\n"))] {
            let per = if dialect == Dialect::Sqlite { 2 } else { 3 };
            let lines = unit.matches('\n').count();
            let mut text = String::new();
            let mut n = 0;
            while text.len() < 3 * CHUNK + 1000 {
                text.push_str(&unit.replace("tr_N", &format!("tr_{n}")));
                n += 1;
            }
            let stmts = parse_script(dialect, "big.sql", &text, 1);
            assert_eq!(stmts.len(), per * n, "{dialect}");
            for (i, st) in stmts.iter().enumerate() {
                let (want, line) = match i % per {
                    0 => ("INSERT INTO t (a) VALUES ('x;\ny')", 1),
                    1 => ("CREATE TRIGGER tr_", 4),
                    _ => ("SELECT $$p;\nq$$", 8),
                };
                assert!(st.text.starts_with(want), "{dialect} statement {i}: {:?}", st.text);
                assert_eq!(st.location.line, (i / per * lines + line) as u32, "{dialect} statement {i}");
            }
            if dialect == Dialect::Sqlite {
                assert!(
                    stmts.iter().all(|s| matches!(s.body, StatementBody::Parsed(_))),
                    "{:?}",
                    stmts.iter().find(|s| !matches!(s.body, StatementBody::Parsed(_)))
                );
            }
        }
    }

    /// Found by the split_chunks fuzz target: a chunk that ended at a `;` +
    /// newline closing a `--` comment cut the comment off the next statement.
    #[test]
    fn chunks_end_only_after_a_semicolon_token() {
        let text = "SELECT 1;\n-- no good way; really;\nDROP TABLE t;\n";
        let read = |chunk| {
            let mut out = Vec::new();
            for_each_statement_in_chunks(Dialect::Postgres, "f.sql", text, 1, chunk, |s| out.push((s.location.line, s.text, s.leading_comments)));
            out
        };
        let whole = read(usize::MAX);
        assert_eq!(whole[1].2, [(2, "no good way; really;".to_string())]);
        for chunk in 1..text.len() {
            assert_eq!(read(chunk), whole, "chunks of {chunk}");
        }
    }
}
