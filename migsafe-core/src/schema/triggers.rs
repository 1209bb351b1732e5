//! Row triggers that fill columns on INSERT, and the functions they run.
//!
//! A `BEFORE INSERT … FOR EACH ROW` trigger can set a column the INSERT
//! leaves out (`NEW.path := …` in PL/pgSQL, `SET NEW.path = …` in MySQL), so
//! a NOT NULL column without a default is not "required" of code when such a
//! trigger fills it. The model keeps, per table, the triggers that fire
//! before an INSERT, and per function, the `NEW` columns its body assigns
//! (or that it could not tell). The rules ask [`Schema::insert_fill`].
//!
//! Bodies are read with sqlparser's tokenizer, not as text: an assignment is
//! `NEW . <column>` followed by `:=` or `=` at the start of a PL/pgSQL
//! statement (after `;`, `BEGIN`, `THEN`, `ELSE`, `LOOP`), or after `SET` or
//! `,` in a MySQL `SET` list, or as `INTO NEW.<column>`.

use super::Schema;
use crate::Dialect;
use serde::{Deserialize, Serialize};
use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Token, Tokenizer};

/// A function the migrations created, as far as triggers care.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Function {
    /// The `NEW` columns its body assigns; `None` when the body could not be
    /// read (another language, a tokenizer error, `NEW` assigned whole).
    pub sets_new: Option<Vec<String>>,
}

/// A row trigger that fires before an INSERT.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InsertTrigger {
    pub name: String,
    pub table: String,
    /// What it does: run a function (PostgreSQL), or its own body (MySQL).
    pub action: TriggerAction,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TriggerAction {
    Function(String),
    Body(Option<Vec<String>>),
}

/// Whether triggers fill a column an INSERT leaves out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TriggerFill {
    /// This trigger assigns it.
    Fills(String),
    /// This trigger runs code the model could not read: it may.
    May(String),
}

impl Schema {
    /// Whether a `BEFORE INSERT` row trigger on `table` fills `column`.
    pub fn insert_fill(&self, table: &str, column: &str) -> Option<TriggerFill> {
        let mut may = None;
        for t in self.insert_triggers.iter().filter(|t| t.table == table) {
            let sets = match &t.action {
                TriggerAction::Function(f) => self.functions.get(f).and_then(|f| f.sets_new.as_ref()),
                TriggerAction::Body(b) => b.as_ref(),
            };
            match sets {
                Some(cols) if cols.iter().any(|c| c == column) => return Some(TriggerFill::Fills(t.name.clone())),
                Some(_) => {}
                None => may = may.or_else(|| Some(TriggerFill::May(t.name.clone()))),
            }
        }
        may
    }
}

/// The `NEW` columns a trigger body assigns, folded as `dialect` folds
/// names; `None` when it cannot be told.
pub fn assigned_new_columns(dialect: Dialect, body: &str) -> Option<Vec<String>> {
    let d = dialect.parser_dialect();
    let tokens = Tokenizer::new(d.as_ref(), body).tokenize().ok()?;
    let tokens: Vec<&Token> = tokens.iter().filter(|t| !matches!(t, Token::Whitespace(_))).collect();
    let is_new = |t: &Token| matches!(t, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case("new"));
    let mut out: Vec<String> = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        if !is_new(t) {
            continue;
        }
        let before = i.checked_sub(1).map(|j| tokens[j]);
        let starts = match before {
            None | Some(Token::SemiColon) | Some(Token::Comma) => true,
            // (`LOOP` is no sqlparser keyword: matched by its spelling.)
            Some(Token::Word(w)) => {
                matches!(w.keyword, Keyword::BEGIN | Keyword::THEN | Keyword::ELSE | Keyword::SET | Keyword::INTO) || w.value.eq_ignore_ascii_case("loop")
            }
            _ => false,
        };
        if !starts {
            continue;
        }
        match (tokens.get(i + 1), tokens.get(i + 2), tokens.get(i + 3)) {
            (Some(Token::Period), Some(Token::Word(col)), Some(Token::Assignment | Token::Eq)) => {
                out.push(word(dialect, col));
            }
            (Some(Token::Period), Some(Token::Word(col)), _) if matches!(before, Some(Token::Word(w)) if w.keyword == Keyword::INTO) => {
                out.push(word(dialect, col));
            }
            // `NEW := …`: the whole row is replaced; which columns it fills is not known.
            (Some(Token::Assignment | Token::Eq), _, _) => return None,
            _ => {}
        }
    }
    out.sort();
    out.dedup();
    Some(out)
}

fn word(dialect: Dialect, w: &sqlparser::tokenizer::Word) -> String {
    crate::ident::ident(dialect, &sqlparser::ast::Ident { value: w.value.clone(), quote_style: w.quote_style, span: sqlparser::tokenizer::Span::empty() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_plpgsql_and_mysql_assignments() {
        let body = "BEGIN\n NEW.path = text2ltree('root.' || NEW.slug);\n IF NEW.x = 1 THEN NEW.\"Y\" := 2; END IF;\n SELECT 1 INTO NEW.z;\n RETURN NEW;\nEND;";
        assert_eq!(assigned_new_columns(Dialect::Postgres, body), Some(vec!["Y".into(), "path".into(), "z".into()]));
        let body = "BEGIN SET NEW.a = 1, NEW.B = NOW(); IF NEW.c = 2 THEN SET NEW.d = 3; END IF; END";
        assert_eq!(assigned_new_columns(Dialect::Mysql, body), Some(vec!["a".into(), "b".into(), "d".into()]));
    }

    #[test]
    fn a_whole_row_assignment_or_an_unreadable_body_is_unknown() {
        assert_eq!(assigned_new_columns(Dialect::Postgres, "BEGIN NEW := jsonb_populate_record(NEW, '{}'); RETURN NEW; END;"), None);
        assert_eq!(assigned_new_columns(Dialect::Postgres, "BEGIN NEW.a = 'unterminated; END;"), None);
        assert_eq!(assigned_new_columns(Dialect::Postgres, "BEGIN RETURN NEW; END;"), Some(vec![]));
    }
}
