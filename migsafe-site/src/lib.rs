//! The encoding of one footprint site: the only definition of it.
//!
//! Every migsafe annotation records what it touches in the binary as one
//! `&'static str` (far cheaper for rustc than a static of nested structs and
//! slices). `migsafe-macros` writes the string at expansion time with
//! [`encode_head`], the compiler appends `module_path!()`, the file and the
//! line, and `migsafe-runtime` reads it back with [`decode`]. Both halves live
//! here, so they cannot drift apart; a string [`decode`] rejects means the
//! binary was built with another version of the macros than the runtime reads
//! it with.
//!
//! The string is `<item><decl>\0<module>\0<file>\0<line>`, each string of
//! `<item><decl>` written as `<byte length>:<text>`, `<decl>` one of
//! - `Q<sql>`
//! - `T<table><n><column>…`
//! - `E` (`t<type>` | `c<table><column>`) (`0` | `1`: has_other) `<n><value>…`
//! - `U<n>` then per column (`r` | `f` | `w` | `i`) `<table><column>`
//!
//! with `<n>` a count written as `<n>:`. `<module>` and `<file>` hold no `\0`
//! (a Rust path and a file name cannot).

#![forbid(unsafe_code)]

use std::fmt;

/// How code touches a column: what `#[touches]` declares and what the
/// analysis of a query finds (`migsafe-core` re-exports this one type).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize), serde(rename_all = "lowercase"))]
pub enum Access {
    /// Selected, returned or decoded.
    Read,
    /// Compared in WHERE / JOIN / GROUP BY / ORDER BY / ON CONFLICT.
    Filter,
    /// Assigned by UPDATE … SET or ON CONFLICT DO UPDATE.
    Write,
    /// Named in an INSERT's column list.
    Insert,
}

impl Access {
    /// Whether it changes the column's value.
    pub fn writes(self) -> bool {
        matches!(self, Access::Write | Access::Insert)
    }

    /// The verb reports use: `reads`, `filters on`, `writes`, `inserts into`.
    pub fn verb(self) -> &'static str {
        match self {
            Access::Read => "reads",
            Access::Filter => "filters on",
            Access::Write => "writes",
            Access::Insert => "inserts into",
        }
    }

    /// `read`, `filter`, `write` or `insert`, as written in `#[touches]`.
    pub fn as_str(self) -> &'static str {
        match self {
            Access::Read => "read",
            Access::Filter => "filter",
            Access::Write => "write",
            Access::Insert => "insert",
        }
    }

    fn tag(self) -> char {
        match self {
            Access::Read => 'r',
            Access::Filter => 'f',
            Access::Write => 'w',
            Access::Insert => 'i',
        }
    }
}

/// What a `#[derive(SqlEnum)]` maps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EnumTarget<'a> {
    /// A database enum type.
    Type(&'a str),
    /// A text column.
    Column { table: &'a str, column: &'a str },
}

/// One column named by `#[touches]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Touch<'a> {
    pub access: Access,
    pub table: &'a str,
    pub column: &'a str,
}

/// What an annotation declares.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Decl<'a> {
    /// `sql!("…")`.
    Query { sql: &'a str },
    /// `#[derive(Table)]`: the table and its mapped columns.
    Table { table: &'a str, columns: Vec<&'a str> },
    /// `#[derive(SqlEnum)]`.
    SqlEnum { target: EnumTarget<'a>, values: Vec<&'a str>, has_other: bool },
    /// `#[touches(…)]`.
    Touches { columns: Vec<Touch<'a>> },
}

/// One annotated place in the code, as the string holds it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Site<'a> {
    /// The annotated item; empty for `sql!`.
    pub item: &'a str,
    pub module: &'a str,
    pub file: &'a str,
    pub line: u32,
    pub decl: Decl<'a>,
}

/// `<item><decl>\0`: what the macros write; the compiler appends
/// `<module>\0<file>\0<line>`.
pub fn encode_head(item: &str, decl: &Decl<'_>) -> String {
    let mut w = Writer(String::new());
    w.str(item);
    match decl {
        Decl::Query { sql } => {
            w.0.push('Q');
            w.str(sql);
        }
        Decl::Table { table, columns } => {
            w.0.push('T');
            w.str(table);
            w.strs(columns);
        }
        Decl::SqlEnum { target, values, has_other } => {
            w.0.push('E');
            match target {
                EnumTarget::Type(name) => {
                    w.0.push('t');
                    w.str(name);
                }
                EnumTarget::Column { table, column } => {
                    w.0.push('c');
                    w.str(table);
                    w.str(column);
                }
            }
            w.0.push(if *has_other { '1' } else { '0' });
            w.strs(values);
        }
        Decl::Touches { columns } => {
            w.0.push('U');
            w.num(columns.len());
            for t in columns {
                w.0.push(t.access.tag());
                w.str(t.table);
                w.str(t.column);
            }
        }
    }
    w.0.push('\0');
    w.0
}

/// The whole string, as the binary holds it (the macros leave the tail to
/// the compiler; this is for tests and tools).
pub fn encode(site: &Site<'_>) -> String {
    format!("{}{}\0{}\0{}", encode_head(site.item, &site.decl), site.module, site.file, site.line)
}

/// Why a string is not a site: where [`decode`] stopped and what it expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// Byte offset in the string.
    pub at: usize,
    /// What should have been there.
    pub expected: &'static str,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "expected {} at byte {}", self.expected, self.at)
    }
}

impl std::error::Error for DecodeError {}

/// A site from its string (see the crate docs for the format).
pub fn decode(raw: &str) -> Result<Site<'_>, DecodeError> {
    let mut r = Reader { raw, at: 0 };
    let item = r.str()?;
    let decl = match r.byte("a declaration tag (Q, T, E, U)")? {
        b'Q' => Decl::Query { sql: r.str()? },
        b'T' => Decl::Table { table: r.str()?, columns: r.strs()? },
        b'E' => {
            let target = match r.byte("an enum target (t, c)")? {
                b't' => EnumTarget::Type(r.str()?),
                b'c' => EnumTarget::Column { table: r.str()?, column: r.str()? },
                _ => return Err(r.back("an enum target (t, c)")),
            };
            let has_other = match r.byte("0 or 1")? {
                b'0' => false,
                b'1' => true,
                _ => return Err(r.back("0 or 1")),
            };
            Decl::SqlEnum { target, values: r.strs()?, has_other }
        }
        b'U' => {
            let n = r.num()?;
            let mut columns = Vec::new();
            for _ in 0..n {
                let access = match r.byte("an access (r, f, w, i)")? {
                    b'r' => Access::Read,
                    b'f' => Access::Filter,
                    b'w' => Access::Write,
                    b'i' => Access::Insert,
                    _ => return Err(r.back("an access (r, f, w, i)")),
                };
                columns.push(Touch { access, table: r.str()?, column: r.str()? });
            }
            Decl::Touches { columns }
        }
        _ => return Err(r.back("a declaration tag (Q, T, E, U)")),
    };
    if r.byte("\\0 after the declaration")? != 0 {
        return Err(r.back("\\0 after the declaration"));
    }
    let module = r.until_nul("\\0 after the module")?;
    let file = r.until_nul("\\0 after the file")?;
    let line = r.rest().parse().map_err(|_| r.err("a line number"))?;
    Ok(Site { item, module, file, line, decl })
}

struct Writer(String);

impl Writer {
    fn num(&mut self, n: usize) {
        self.0.push_str(&n.to_string());
        self.0.push(':');
    }
    fn str(&mut self, s: &str) {
        self.num(s.len());
        self.0.push_str(s);
    }
    fn strs(&mut self, v: &[&str]) {
        self.num(v.len());
        for s in v {
            self.str(s);
        }
    }
}

struct Reader<'a> {
    raw: &'a str,
    at: usize,
}

impl<'a> Reader<'a> {
    fn rest(&self) -> &'a str {
        self.raw.get(self.at..).unwrap_or("")
    }
    fn err(&self, expected: &'static str) -> DecodeError {
        DecodeError { at: self.at, expected }
    }
    /// The error about the byte just read.
    fn back(&self, expected: &'static str) -> DecodeError {
        DecodeError { at: self.at.saturating_sub(1), expected }
    }
    fn num(&mut self) -> Result<usize, DecodeError> {
        let rest = self.rest();
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 || rest.as_bytes().get(digits) != Some(&b':') {
            return Err(self.err("a count `<n>:`"));
        }
        let n = rest[..digits].parse().map_err(|_| self.err("a count that fits"))?;
        self.at += digits + 1;
        Ok(n)
    }
    fn str(&mut self) -> Result<&'a str, DecodeError> {
        let n = self.num()?;
        let s = self.rest().get(..n).ok_or_else(|| self.err("that many bytes, ending on a character boundary"))?;
        self.at += n;
        Ok(s)
    }
    fn strs(&mut self) -> Result<Vec<&'a str>, DecodeError> {
        let n = self.num()?;
        // Never trust the count for an allocation: each string takes at least 2 bytes.
        let mut v = Vec::with_capacity(n.min(self.rest().len() / 2));
        for _ in 0..n {
            v.push(self.str()?);
        }
        Ok(v)
    }
    fn byte(&mut self, expected: &'static str) -> Result<u8, DecodeError> {
        let b = *self.rest().as_bytes().first().ok_or_else(|| self.err(expected))?;
        if !self.rest().is_char_boundary(1) {
            return Err(self.err(expected));
        }
        self.at += 1;
        Ok(b)
    }
    fn until_nul(&mut self, expected: &'static str) -> Result<&'a str, DecodeError> {
        let rest = self.rest();
        let end = rest.find('\0').ok_or_else(|| self.err(expected))?;
        self.at += end + 1;
        Ok(&rest[..end])
    }
}

#[cfg(test)]
mod tests;
