//! A compact binary encoding of [`Schema`] for the on-disk cache ([`crate::cache`]).
//!
//! Hand-written rather than serde: the schema types skip fields in their
//! (JSON, user-facing) `Serialize` impls, and the cache must keep every field.
//! Each struct is destructured without `..`, so a field added to a schema type
//! fails to compile here instead of being silently dropped from the cache.
//! Decoding is bounds-checked and never trusts a length for allocation: a
//! truncated or corrupt file decodes to `None`, never a panic.

use migsafe_core::diag::Location;
use migsafe_core::schema::triggers::{Function, InsertTrigger, TriggerAction};
use migsafe_core::schema::{Column, EnumType, Family, ForeignKey, Index, Removal, Schema, SqlType, Table, Unread, View};
use migsafe_core::Dialect;
use std::collections::BTreeMap;

pub struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes }
    }
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if n > self.bytes.len() {
            return None;
        }
        let (a, b) = self.bytes.split_at(n);
        self.bytes = b;
        Some(a)
    }
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }
}

pub trait Codec: Sized {
    fn put(&self, w: &mut Vec<u8>);
    fn get(r: &mut Reader) -> Option<Self>;
}

impl Codec for u8 {
    fn put(&self, w: &mut Vec<u8>) {
        w.push(*self);
    }
    fn get(r: &mut Reader) -> Option<Self> {
        r.take(1).map(|b| b[0])
    }
}

impl Codec for bool {
    fn put(&self, w: &mut Vec<u8>) {
        w.push(*self as u8);
    }
    fn get(r: &mut Reader) -> Option<Self> {
        match u8::get(r)? {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }
}

/// LEB128.
impl Codec for u64 {
    fn put(&self, w: &mut Vec<u8>) {
        let mut v = *self;
        loop {
            let b = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                w.push(b);
                return;
            }
            w.push(b | 0x80);
        }
    }
    fn get(r: &mut Reader) -> Option<Self> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = u8::get(r)?;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    }
}

impl Codec for u32 {
    fn put(&self, w: &mut Vec<u8>) {
        u64::from(*self).put(w)
    }
    fn get(r: &mut Reader) -> Option<Self> {
        u32::try_from(u64::get(r)?).ok()
    }
}

fn len(r: &mut Reader) -> Option<usize> {
    let n = usize::try_from(u64::get(r)?).ok()?;
    // Every element takes at least one byte: a larger count is corrupt.
    (n <= r.bytes.len()).then_some(n)
}

impl Codec for String {
    fn put(&self, w: &mut Vec<u8>) {
        (self.len() as u64).put(w);
        w.extend_from_slice(self.as_bytes());
    }
    fn get(r: &mut Reader) -> Option<Self> {
        let n = len(r)?;
        String::from_utf8(r.take(n)?.to_vec()).ok()
    }
}

impl<T: Codec> Codec for Option<T> {
    fn put(&self, w: &mut Vec<u8>) {
        match self {
            None => w.push(0),
            Some(v) => {
                w.push(1);
                v.put(w);
            }
        }
    }
    fn get(r: &mut Reader) -> Option<Self> {
        match u8::get(r)? {
            0 => Some(None),
            1 => Some(Some(T::get(r)?)),
            _ => None,
        }
    }
}

impl<T: Codec> Codec for Vec<T> {
    fn put(&self, w: &mut Vec<u8>) {
        (self.len() as u64).put(w);
        for v in self {
            v.put(w);
        }
    }
    fn get(r: &mut Reader) -> Option<Self> {
        let n = len(r)?;
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            out.push(T::get(r)?);
        }
        Some(out)
    }
}

impl<A: Codec, B: Codec> Codec for (A, B) {
    fn put(&self, w: &mut Vec<u8>) {
        self.0.put(w);
        self.1.put(w);
    }
    fn get(r: &mut Reader) -> Option<Self> {
        Some((A::get(r)?, B::get(r)?))
    }
}

impl<T: Codec> Codec for BTreeMap<String, T> {
    fn put(&self, w: &mut Vec<u8>) {
        (self.len() as u64).put(w);
        for (k, v) in self {
            k.put(w);
            v.put(w);
        }
    }
    fn get(r: &mut Reader) -> Option<Self> {
        let n = len(r)?;
        let mut out = BTreeMap::new();
        for _ in 0..n {
            let k = String::get(r)?;
            out.insert(k, T::get(r)?);
        }
        Some(out)
    }
}

impl Codec for Dialect {
    fn put(&self, w: &mut Vec<u8>) {
        w.push(match self {
            Dialect::Postgres => 0,
            Dialect::Mysql => 1,
            Dialect::Sqlite => 2,
        })
    }
    fn get(r: &mut Reader) -> Option<Self> {
        Some(match u8::get(r)? {
            0 => Dialect::Postgres,
            1 => Dialect::Mysql,
            2 => Dialect::Sqlite,
            _ => return None,
        })
    }
}

impl Codec for Family {
    fn put(&self, w: &mut Vec<u8>) {
        let (tag, arg) = match *self {
            Family::Int(n) => (0, n),
            Family::UInt(n) => (1, n),
            Family::Float(n) => (2, n),
            Family::Numeric => (3, 0),
            Family::Text { fixed } => (4, fixed as u8),
            Family::Bool => (5, 0),
            Family::Uuid => (6, 0),
            Family::Timestamp { tz } => (7, tz as u8),
            Family::Date => (8, 0),
            Family::Time => (9, 0),
            Family::Interval => (10, 0),
            Family::Json => (11, 0),
            Family::Bytes => (12, 0),
            Family::Enum => (13, 0),
            Family::Array => (14, 0),
            Family::Other => (15, 0),
        };
        w.push(tag);
        w.push(arg);
    }
    fn get(r: &mut Reader) -> Option<Self> {
        let (tag, arg) = (u8::get(r)?, u8::get(r)?);
        Some(match tag {
            0 => Family::Int(arg),
            1 => Family::UInt(arg),
            2 => Family::Float(arg),
            3 => Family::Numeric,
            4 => Family::Text { fixed: arg != 0 },
            5 => Family::Bool,
            6 => Family::Uuid,
            7 => Family::Timestamp { tz: arg != 0 },
            8 => Family::Date,
            9 => Family::Time,
            10 => Family::Interval,
            11 => Family::Json,
            12 => Family::Bytes,
            13 => Family::Enum,
            14 => Family::Array,
            15 => Family::Other,
            _ => return None,
        })
    }
}

impl Codec for Location {
    fn put(&self, w: &mut Vec<u8>) {
        let Location { file, line, column } = self;
        file.put(w);
        line.put(w);
        column.put(w);
    }
    fn get(r: &mut Reader) -> Option<Self> {
        Some(Location { file: Codec::get(r)?, line: Codec::get(r)?, column: Codec::get(r)? })
    }
}

impl Codec for SqlType {
    fn put(&self, w: &mut Vec<u8>) {
        let SqlType { written, catalog, family, length, scale, user_type } = self;
        written.put(w);
        catalog.put(w);
        family.put(w);
        length.put(w);
        scale.put(w);
        user_type.put(w);
    }
    fn get(r: &mut Reader) -> Option<Self> {
        Some(SqlType {
            written: Codec::get(r)?,
            catalog: Codec::get(r)?,
            family: Codec::get(r)?,
            length: Codec::get(r)?,
            scale: Codec::get(r)?,
            user_type: Codec::get(r)?,
        })
    }
}

impl Codec for Column {
    fn put(&self, w: &mut Vec<u8>) {
        let Column { name, ty, nullable, default, identity, generated, created, changed } = self;
        name.put(w);
        ty.put(w);
        nullable.put(w);
        default.put(w);
        identity.put(w);
        generated.put(w);
        created.put(w);
        changed.put(w);
    }
    fn get(r: &mut Reader) -> Option<Self> {
        Some(Column {
            name: Codec::get(r)?,
            ty: Codec::get(r)?,
            nullable: Codec::get(r)?,
            default: Codec::get(r)?,
            identity: Codec::get(r)?,
            generated: Codec::get(r)?,
            created: Codec::get(r)?,
            changed: Codec::get(r)?,
        })
    }
}

impl Codec for ForeignKey {
    fn put(&self, w: &mut Vec<u8>) {
        let ForeignKey { name, columns, references, referred_columns } = self;
        name.put(w);
        columns.put(w);
        references.put(w);
        referred_columns.put(w);
    }
    fn get(r: &mut Reader) -> Option<Self> {
        Some(ForeignKey { name: Codec::get(r)?, columns: Codec::get(r)?, references: Codec::get(r)?, referred_columns: Codec::get(r)? })
    }
}

impl Codec for Table {
    fn put(&self, w: &mut Vec<u8>) {
        let Table { name, columns, primary_key, unique, foreign_keys, checks, created } = self;
        name.put(w);
        columns.put(w);
        primary_key.put(w);
        unique.put(w);
        foreign_keys.put(w);
        checks.put(w);
        created.put(w);
    }
    fn get(r: &mut Reader) -> Option<Self> {
        Some(Table {
            name: Codec::get(r)?,
            columns: Codec::get(r)?,
            primary_key: Codec::get(r)?,
            unique: Codec::get(r)?,
            foreign_keys: Codec::get(r)?,
            checks: Codec::get(r)?,
            created: Codec::get(r)?,
        })
    }
}

impl Codec for View {
    fn put(&self, w: &mut Vec<u8>) {
        let View { name, materialized, columns, reads, writes_to, created } = self;
        name.put(w);
        materialized.put(w);
        columns.put(w);
        reads.put(w);
        writes_to.put(w);
        created.put(w);
    }
    fn get(r: &mut Reader) -> Option<Self> {
        Some(View {
            name: Codec::get(r)?,
            materialized: Codec::get(r)?,
            columns: Codec::get(r)?,
            reads: Codec::get(r)?,
            writes_to: Codec::get(r)?,
            created: Codec::get(r)?,
        })
    }
}

impl Codec for EnumType {
    fn put(&self, w: &mut Vec<u8>) {
        let EnumType { name, values, created } = self;
        name.put(w);
        values.put(w);
        created.put(w);
    }
    fn get(r: &mut Reader) -> Option<Self> {
        Some(EnumType { name: Codec::get(r)?, values: Codec::get(r)?, created: Codec::get(r)? })
    }
}

impl Codec for Index {
    fn put(&self, w: &mut Vec<u8>) {
        let Index { name, table, columns, unique, concurrently, partial, created } = self;
        name.put(w);
        table.put(w);
        columns.put(w);
        unique.put(w);
        concurrently.put(w);
        partial.put(w);
        created.put(w);
    }
    fn get(r: &mut Reader) -> Option<Self> {
        Some(Index {
            name: Codec::get(r)?,
            table: Codec::get(r)?,
            columns: Codec::get(r)?,
            unique: Codec::get(r)?,
            concurrently: Codec::get(r)?,
            partial: Codec::get(r)?,
            created: Codec::get(r)?,
        })
    }
}

impl Codec for Removal {
    fn put(&self, w: &mut Vec<u8>) {
        let Removal { table, column, renamed_to, at } = self;
        table.put(w);
        column.put(w);
        renamed_to.put(w);
        at.put(w);
    }
    fn get(r: &mut Reader) -> Option<Self> {
        Some(Removal { table: Codec::get(r)?, column: Codec::get(r)?, renamed_to: Codec::get(r)?, at: Codec::get(r)? })
    }
}

impl Codec for Unread {
    fn put(&self, w: &mut Vec<u8>) {
        let Unread { at, names } = self;
        at.put(w);
        names.put(w);
    }
    fn get(r: &mut Reader) -> Option<Self> {
        Some(Unread { at: Codec::get(r)?, names: Codec::get(r)? })
    }
}

impl Codec for Function {
    fn put(&self, w: &mut Vec<u8>) {
        let Function { sets_new } = self;
        sets_new.put(w);
    }
    fn get(r: &mut Reader) -> Option<Self> {
        Some(Function { sets_new: Codec::get(r)? })
    }
}

impl Codec for InsertTrigger {
    fn put(&self, w: &mut Vec<u8>) {
        let InsertTrigger { name, table, action } = self;
        name.put(w);
        table.put(w);
        match action {
            TriggerAction::Function(f) => {
                0u8.put(w);
                f.put(w);
            }
            TriggerAction::Body(b) => {
                1u8.put(w);
                b.put(w);
            }
        }
    }
    fn get(r: &mut Reader) -> Option<Self> {
        let name = Codec::get(r)?;
        let table = Codec::get(r)?;
        let action = match u8::get(r)? {
            0 => TriggerAction::Function(Codec::get(r)?),
            1 => TriggerAction::Body(Codec::get(r)?),
            _ => return None,
        };
        Some(InsertTrigger { name, table, action })
    }
}

impl Codec for Schema {
    fn put(&self, w: &mut Vec<u8>) {
        let Schema { dialect, tables, views, enums, indexes, removed, domains, unread, functions, insert_triggers } = self;
        dialect.put(w);
        tables.put(w);
        views.put(w);
        enums.put(w);
        indexes.put(w);
        removed.put(w);
        domains.put(w);
        unread.put(w);
        functions.put(w);
        insert_triggers.put(w);
    }
    fn get(r: &mut Reader) -> Option<Self> {
        Some(Schema {
            dialect: Codec::get(r)?,
            tables: Codec::get(r)?,
            views: Codec::get(r)?,
            enums: Codec::get(r)?,
            indexes: Codec::get(r)?,
            removed: Codec::get(r)?,
            domains: Codec::get(r)?,
            unread: Codec::get(r)?,
            functions: Codec::get(r)?,
            insert_triggers: Codec::get(r)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use migsafe_core::migrations::{MigrationSource, SourceFile};

    #[test]
    fn statements_the_parser_could_not_read_survive_the_cache() {
        let src = MigrationSource::new("m", vec![SourceFile::new("1_t.sql", "CREATE TABLE t (id int);\nALTER TABLE t FROB COLUMN id;")]);
        let schema = migsafe_core::schema::analyze(Dialect::Postgres, &src).schema;
        assert_eq!(schema.unread.len(), 1);
        let mut w = Vec::new();
        schema.put(&mut w);
        let mut r = Reader::new(&w);
        let back = Schema::get(&mut r).expect("decodes");
        assert!(r.is_empty());
        assert_eq!(back.unread, schema.unread);
        assert_eq!(back.unread_note("t"), schema.unread_note("t"));
    }
}
