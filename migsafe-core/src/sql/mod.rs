//! SQL text → statements with locations.
//!
//! A script is tokenised once with sqlparser's tokenizer (which knows each
//! dialect's quoting, dollar quotes and comments), split at top-level `;`, and
//! each statement is parsed on its own so that one bad statement does not
//! hide the rest of the file. What sqlparser's grammar misses is read from
//! the tokens by [`recover`].

pub(crate) mod recover;
mod split;

pub use split::{for_each_statement, for_each_statement_in_chunks, parse_script, ParsedStatement, ScriptStatement, StatementBody};
