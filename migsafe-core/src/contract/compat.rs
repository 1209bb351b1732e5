//! Whether one revision reads what the other writes: a writer's wire shape
//! against a reader's, as serde would meet them, in both directions
//! (during a rollout N-1 reads N's messages; after a rollback N reads
//! N-1's, and stored rows outlive both). Each mismatch is an [`Issue`] the
//! contract rules report.

use super::shape::{At, Body, Contract, EnumShape, Fields, Kind, Repr, StructShape, TypeDef};
use std::collections::HashSet;

/// Who writes and who reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// N-1 writes (or wrote the stored rows), N reads.
    BaseToHead,
    /// N writes, N-1 reads (during the rollout, and after a rollback).
    HeadToBase,
}

impl Direction {
    /// ("N-1", "N") for the writer and the reader.
    pub fn who(self) -> (&'static str, &'static str) {
        match self {
            Direction::BaseToHead => ("N-1", "N"),
            Direction::HeadToBase => ("N", "N-1"),
        }
    }
}

/// What does not meet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IssueKind {
    /// The reader requires a field the writer does not (always) write.
    MissingRequired,
    /// The same Rust field is written under one name and read under another.
    Renamed { written: String, read: Vec<String> },
    /// The value written is not one the reader's type decodes.
    TypeChanged,
    /// A variant the writer writes that the reader has not (and no `other`).
    VariantNotDecodable,
    /// A field the writer writes that the reader's `deny_unknown_fields` refuses.
    UnknownFieldDenied,
    /// A type whose serde form migsafe cannot see.
    Unseen,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    pub kind: IssueKind,
    pub dir: Direction,
    /// The wire path (`customer.email`, `status`); empty for the root.
    pub path: String,
    pub writer: At,
    pub reader: At,
    /// Why, in words.
    pub detail: String,
}

impl Issue {
    /// The sites in (base, head) order.
    pub fn base_head(&self) -> (&At, &At) {
        match self.dir {
            Direction::BaseToHead => (&self.writer, &self.reader),
            Direction::HeadToBase => (&self.reader, &self.writer),
        }
    }
}

/// Every issue between N-1's contracts and N's of the same name, in both
/// directions (each as far as the revisions produce and consume).
pub fn issues<'a>(base: &'a [Contract], head: &'a [Contract]) -> Vec<(&'a Contract, &'a Contract, Issue)> {
    let mut out: Vec<(&Contract, &Contract, Issue)> = Vec::new();
    for b in base {
        for h in head.iter().filter(|h| h.name == b.name) {
            for i in compare(b, h) {
                if !out.iter().any(|(_, _, o)| o.kind == i.kind && o.path == i.path && o.detail == i.detail && (o.kind == IssueKind::Unseen || o.dir == i.dir))
                {
                    out.push((b, h, i));
                }
            }
        }
    }
    out
}

/// The issues between N-1's `base` and N's `head` of one contract.
pub fn compare(base: &Contract, head: &Contract) -> Vec<Issue> {
    let mut out = Vec::new();
    if base.produces && head.consumes {
        Cmp { w: base, r: head, dir: Direction::BaseToHead, seen: HashSet::new(), out: &mut out }.types(&base.root, &head.root, "");
    }
    if head.produces && base.consumes {
        Cmp { w: head, r: base, dir: Direction::HeadToBase, seen: HashSet::new(), out: &mut out }.types(&head.root, &base.root, "");
    }
    out
}

struct Cmp<'a, 'o> {
    w: &'a Contract,
    r: &'a Contract,
    dir: Direction,
    seen: HashSet<(String, String)>,
    out: &'o mut Vec<Issue>,
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path}.{name}")
    }
}

fn at_line(def: &TypeDef, member: &str, line: u32) -> At {
    At {
        file: def.at.file.clone(),
        line: if line > 0 { line } else { def.at.line },
        item: if member.is_empty() { def.name.clone() } else { format!("{}.{member}", def.name) },
    }
}

impl<'a> Cmp<'a, '_> {
    fn push(&mut self, kind: IssueKind, path: &str, writer: At, reader: At, detail: String) {
        self.out.push(Issue { kind, dir: self.dir, path: path.to_string(), writer, reader, detail });
    }

    fn def(c: &'a Contract, name: &str) -> Option<&'a TypeDef> {
        c.types.get(name)
    }

    fn types(&mut self, wn: &str, rn: &str, path: &str) {
        if !self.seen.insert((wn.to_string(), rn.to_string())) {
            return;
        }
        let (Some(wd), Some(rd)) = (Self::def(self.w, wn), Self::def(self.r, rn)) else { return };
        match (&wd.body, &rd.body) {
            (Body::Unseen(why), _) | (_, Body::Unseen(why)) => {
                let unseen = if matches!(wd.body, Body::Unseen(_)) { wd } else { rd };
                let detail = format!("`{}` ({}:{}): {why}", unseen.name, unseen.at.file, unseen.at.line);
                self.push(IssueKind::Unseen, path, wd.at.clone(), rd.at.clone(), detail);
            }
            (Body::Struct(ws), Body::Struct(rs)) => self.shapes(ws, rs, path, wd, rd),
            (Body::Enum(we), Body::Enum(re)) => self.enums(we, re, path, wd, rd),
            _ => {
                let what = |b: &Body| if matches!(b, Body::Enum(_)) { "an enum" } else { "a struct" };
                let detail = format!("`{}` is {} in the writer and `{}` {} in the reader", wd.name, what(&wd.body), rd.name, what(&rd.body));
                self.push(IssueKind::TypeChanged, path, wd.at.clone(), rd.at.clone(), detail);
            }
        }
    }

    fn shapes(&mut self, ws: &StructShape, rs: &StructShape, path: &str, wd: &TypeDef, rd: &TypeDef) {
        match (ws, rs) {
            (StructShape::Fields(wf), StructShape::Fields(rf)) => self.fields(wf, rf, path, wd, rd),
            (StructShape::Newtype(a), StructShape::Newtype(b)) => self.kinds(a, b, path, at_line(wd, "", 0), at_line(rd, "", 0)),
            (StructShape::Tuple(a), StructShape::Tuple(b)) if a.len() == b.len() => {
                for (i, (x, y)) in a.iter().zip(b).enumerate() {
                    self.kinds(x, y, &join(path, &i.to_string()), at_line(wd, "", 0), at_line(rd, "", 0));
                }
            }
            (StructShape::Unit, StructShape::Unit) => {}
            _ => {
                let detail = format!("`{}` is written as {} and `{}` reads {}", wd.name, form(ws), rd.name, form(rs));
                self.push(IssueKind::TypeChanged, path, at_line(wd, "", 0), at_line(rd, "", 0), detail);
            }
        }
    }

    fn fields(&mut self, wf: &Fields, rf: &Fields, path: &str, wd: &TypeDef, rd: &TypeDef) {
        let (writer, reader) = self.dir.who();
        for r in rf.fields.iter().filter(|r| !r.reads.is_empty()) {
            let written = wf.fields.iter().find(|w| w.writes.as_ref().is_some_and(|n| r.reads.contains(n)));
            let name = &r.reads[0];
            let fpath = join(path, name);
            match written {
                None => {
                    // The same Rust field under another wire name: a rename.
                    if let Some(w) = wf.fields.iter().find(|w| w.rust == r.rust && w.writes.is_some()) {
                        let written = w.writes.clone().unwrap_or_default();
                        let detail = format!(
                            "{writer} writes field `{}.{}` as `{written}`, and {reader} reads it only as {}{}",
                            wd.name,
                            w.rust,
                            r.reads.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(" or "),
                            if r.optional { " (it is optional there, so the value is silently lost)" } else { "" }
                        );
                        let kind = IssueKind::Renamed { written, read: r.reads.clone() };
                        self.push(kind, &fpath, at_line(wd, &w.rust, w.line), at_line(rd, &r.rust, r.line), detail);
                    } else if !r.optional {
                        let detail =
                            format!("{reader} requires `{name}` (not `Option`, no `#[serde(default)]`), and {writer}'s `{}` has no such field", wd.name);
                        self.push(IssueKind::MissingRequired, &fpath, at_line(wd, "", 0), at_line(rd, &r.rust, r.line), detail);
                    }
                }
                Some(w) if w.may_omit && !r.optional => {
                    let detail = format!("{reader} requires `{name}`, and {writer} leaves it out when its `skip_serializing_if` holds");
                    self.push(IssueKind::MissingRequired, &fpath, at_line(wd, &w.rust, w.line), at_line(rd, &r.rust, r.line), detail);
                }
                Some(_) => {}
            }
        }
        for w in &wf.fields {
            let Some(n) = &w.writes else { continue };
            let fpath = join(path, n);
            match rf.fields.iter().find(|r| r.reads.contains(n)) {
                Some(r) => {
                    // `skip_serializing_if = "Option::is_none"` leaves a `None` out rather than writing `null`
                    // (a reader that requires the field is told so above).
                    let written = match &w.kind {
                        Kind::Option(inner) if w.may_omit => inner.as_ref(),
                        k => k,
                    };
                    self.kinds(written, &r.kind, &fpath, at_line(wd, &w.rust, w.line), at_line(rd, &r.rust, r.line));
                }
                None if rf.deny_unknown && !rf.takes_unknown => {
                    let detail = format!("{writer} writes `{n}`, which {reader}'s `{}` does not know, and it has `#[serde(deny_unknown_fields)]`", rd.name);
                    self.push(IssueKind::UnknownFieldDenied, &fpath, at_line(wd, &w.rust, w.line), at_line(rd, "", 0), detail);
                }
                None => {}
            }
        }
    }

    /// A crate newtype struct's inner kind (JSON does not show the wrapper).
    fn unwrap(&self, c: &Contract, k: &Kind) -> Option<Kind> {
        match k {
            Kind::Named(n) => match c.types.get(n).map(|d| &d.body) {
                Some(Body::Struct(StructShape::Newtype(inner))) => Some(inner.clone()),
                _ => None,
            },
            _ => None,
        }
    }

    fn kinds(&mut self, w: &Kind, r: &Kind, path: &str, wat: At, rat: At) {
        let (writer, reader) = self.dir.who();
        let mismatch = |this: &mut Self, why: String| this.push(IssueKind::TypeChanged, path, wat.clone(), rat.clone(), why);
        match (w, r) {
            (Kind::Unseen { ty, why }, _) | (_, Kind::Unseen { ty, why }) => {
                let detail = format!("`{ty}`: {why}");
                self.push(IssueKind::Unseen, path, wat, rat, detail);
            }
            (_, Kind::Any) => {}
            (Kind::Named(a), Kind::Named(b)) => self.types(a, b, path),
            (Kind::Named(_), _) | (_, Kind::Named(_)) if self.unwrap(self.w, w).is_some() || self.unwrap(self.r, r).is_some() => {
                let w2 = self.unwrap(self.w, w).unwrap_or_else(|| w.clone());
                let r2 = self.unwrap(self.r, r).unwrap_or_else(|| r.clone());
                // A newtype that holds itself (through a Box) would unwrap forever.
                if !self.seen.insert((format!("newtype {w2:?}"), format!("{r2:?}"))) {
                    return mismatch(self, format!("{writer} writes {} and {reader} reads {}, newtypes migsafe cannot unwrap", w.describe(), r.describe()));
                }
                self.kinds(&w2, &r2, path, wat, rat);
            }
            (Kind::Option(a), Kind::Option(b)) => self.kinds(a, b, path, wat, rat),
            (x, Kind::Option(b)) => self.kinds(x, b, path, wat, rat),
            (Kind::Option(a), y) => {
                mismatch(self, format!("{writer} may write `null` (an `Option<{}>`), and {reader} reads {}, which is not optional", a.describe(), y.describe()))
            }
            (Kind::Int { signed: s1, bits: b1 }, Kind::Int { signed: s2, bits: b2 }) => {
                let fits = (s1 == s2 && b1 <= b2) || (!s1 && *s2 && b1 < b2);
                if !fits {
                    mismatch(
                        self,
                        format!("{writer} writes {} and {reader} reads {}: values outside {reader}'s range do not decode", w.describe(), r.describe()),
                    );
                }
            }
            (Kind::Int { .. }, Kind::Float) | (Kind::Char, Kind::String) => {}
            (Kind::Seq(a), Kind::Seq(b)) => self.kinds(a, b, path, wat, rat),
            (Kind::Tuple(a), Kind::Tuple(b)) if a.len() == b.len() => {
                for (x, y) in a.iter().zip(b) {
                    self.kinds(x, y, path, wat.clone(), rat.clone());
                }
            }
            (Kind::Map(k1, v1), Kind::Map(k2, v2)) => {
                self.kinds(k1, k2, path, wat.clone(), rat.clone());
                self.kinds(v1, v2, path, wat, rat);
            }
            _ if w == r => {}
            _ => mismatch(self, format!("{writer} writes {} and {reader} reads {}", w.describe(), r.describe())),
        }
    }

    fn enums(&mut self, we: &EnumShape, re: &EnumShape, path: &str, wd: &TypeDef, rd: &TypeDef) {
        let (writer, reader) = self.dir.who();
        if we.repr != re.repr {
            let detail = format!("{writer} writes `{}` {} and {reader} reads `{}` {}", wd.name, repr(&we.repr), rd.name, repr(&re.repr));
            self.push(IssueKind::TypeChanged, path, at_line(wd, "", 0), at_line(rd, "", 0), detail);
            return;
        }
        let other = re.variants.iter().find(|v| v.other);
        for wv in &we.variants {
            let Some(n) = &wv.writes else { continue };
            let vpath = join(path, n);
            let found = if re.repr == Repr::Untagged {
                re.variants.iter().find(|v| v.rust == wv.rust && !v.reads.is_empty())
            } else {
                re.variants.iter().find(|v| v.reads.contains(n))
            };
            match found {
                Some(rv) => self.shapes(&wv.data, &rv.data, &vpath, wd, rd),
                None => {
                    // serde reads the unknown tag as the `other` unit variant, then the content as a unit:
                    // only an internally tagged enum ignores the fields beside the tag.
                    let caught = other.is_some_and(|_| wv.data == StructShape::Unit || matches!(re.repr, Repr::Internal { .. }));
                    if !caught {
                        let why = match (other, &re.repr) {
                            (Some(o), _) => format!(" (its `#[serde(other)]` variant `{}` takes only unit variants in this representation)", o.rust),
                            (None, Repr::Untagged) => " (an untagged enum: it tries its own variants only)".to_string(),
                            (None, _) => " and has no `#[serde(other)]` variant".to_string(),
                        };
                        let detail = format!("{writer} writes variant `{n}` of `{}`, which {reader}'s `{}` does not have{why}", wd.name, rd.name);
                        self.push(IssueKind::VariantNotDecodable, &vpath, at_line(wd, &wv.rust, wv.line), at_line(rd, "", 0), detail);
                    }
                }
            }
        }
    }
}

fn form(s: &StructShape) -> &'static str {
    match s {
        StructShape::Fields(_) => "an object",
        StructShape::Newtype(_) => "its inner value",
        StructShape::Tuple(_) => "an array",
        StructShape::Unit => "`null`",
    }
}

fn repr(r: &Repr) -> String {
    match r {
        Repr::External => "externally tagged".into(),
        Repr::Internal { tag } => format!("with `tag = \"{tag}\"`"),
        Repr::Adjacent { tag, content } => format!("with `tag = \"{tag}\", content = \"{content}\"`"),
        Repr::Untagged => "untagged".into(),
    }
}

#[cfg(test)]
#[path = "compat_tests.rs"]
mod tests;
