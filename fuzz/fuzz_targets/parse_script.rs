//! The statement splitter on any text, in every dialect: never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use migsafe_core::Dialect;

fuzz_target!(|text: &str| {
    for dialect in [Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite] {
        let _ = migsafe_core::sql::parse_script(dialect, "V1__fuzz.sql", text, 1);
    }
});
