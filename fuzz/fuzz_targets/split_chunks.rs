//! A script read a few bytes at a time splits into the same statements, at
//! the same lines, as read whole (the chunking that keeps a 50 MB migration
//! in bounded memory must never cut a string, comment or body).
#![no_main]
use libfuzzer_sys::fuzz_target;
use migsafe_core::sql::{for_each_statement_in_chunks, ScriptStatement, StatementBody};
use migsafe_core::Dialect;

fn read(dialect: Dialect, text: &str, chunk: usize) -> Vec<(u32, u32, String, Vec<(u32, String)>, bool)> {
    let mut out = Vec::new();
    for_each_statement_in_chunks(dialect, "f.sql", text, 1, chunk, |s: ScriptStatement| {
        out.push((s.location.line, s.location.column, s.text, s.leading_comments, matches!(s.body, StatementBody::Parsed(_))))
    });
    out
}

fuzz_target!(|input: (u8, &str)| {
    let (chunk, text) = input;
    for dialect in [Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite] {
        let whole = read(dialect, text, usize::MAX);
        let chunked = read(dialect, text, 1 + chunk as usize % 64);
        assert_eq!(whole, chunked, "{dialect}, chunks of {}", 1 + chunk as usize % 64);
    }
});
