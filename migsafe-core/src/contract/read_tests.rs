use super::*;
use crate::contract::shape::{Body, EnumShape, Repr, StructShape};

fn one(src: &str) -> Contract {
    let mut c = read_crate(&[("src/events.rs".to_string(), src.to_string())]);
    assert_eq!(c.len(), 1, "{c:?}");
    c.remove(0)
}

fn fields(c: &Contract, ty: &str) -> Fields {
    match &c.types[ty].body {
        Body::Struct(StructShape::Fields(f)) => f.clone(),
        b => panic!("{b:?}"),
    }
}

#[test]
fn an_event_with_its_names_defaults_and_kinds() {
    let c = one(r#"
        use serde::{Deserialize, Serialize};
        #[migsafe::event("orders.v1", produces)]
        #[derive(Serialize, Deserialize)]
        #[serde(rename_all = "camelCase", deny_unknown_fields)]
        struct OrderPlaced {
            order_id: i64,
            #[serde(rename = "total", alias = "amount")]
            total_cents: u32,
            #[serde(default)]
            note: String,
            coupon: Option<String>,
            #[serde(skip)]
            cache: Vec<u8>,
            #[serde(skip_serializing_if = "Vec::is_empty")]
            lines: Vec<Line>,
        }
        #[derive(Serialize, Deserialize)]
        struct Line { sku: String, qty: u16 }
    "#);
    assert_eq!((c.name.as_str(), c.kind, c.produces, c.consumes), ("orders.v1", ContractKind::Event, true, false));
    assert_eq!(c.at.line, 6);
    let f = fields(&c, "OrderPlaced");
    assert!(f.deny_unknown);
    let by = |r: &str| f.fields.iter().find(|x| x.rust == r).unwrap().clone();
    assert_eq!(by("order_id").writes.as_deref(), Some("orderId"));
    assert_eq!(by("order_id").kind, Kind::Int { signed: true, bits: 64 });
    assert_eq!(by("total_cents").reads, vec!["total", "amount"]);
    assert!(by("note").optional && by("coupon").optional && !by("order_id").optional);
    assert_eq!((by("cache").writes.clone(), by("cache").reads.len()), (None, 0));
    assert!(by("lines").may_omit);
    assert_eq!(by("lines").kind, Kind::Seq(Box::new(Kind::Named("Line".into()))));
    // The type graph below the root.
    assert!(matches!(c.types["Line"].body, Body::Struct(StructShape::Fields(_))));
}

#[test]
fn enum_representations_and_other() {
    let c = one(r#"
        #[migsafe_runtime::event("orders.status")]
        #[derive(serde::Serialize, serde::Deserialize)]
        #[serde(tag = "type", content = "data", rename_all = "snake_case")]
        enum Status { Placed { at: String }, HTTPFailed(u8), #[serde(other)] Unknown }
    "#);
    let Body::Enum(EnumShape { repr, variants }) = &c.types["Status"].body else { panic!() };
    assert_eq!(repr, &Repr::Adjacent { tag: "type".into(), content: "data".into() });
    let names: Vec<_> = variants.iter().map(|v| v.writes.clone().unwrap()).collect();
    assert_eq!(names, ["placed", "h_t_t_p_failed", "unknown"]);
    assert!(variants[2].other);
}

#[test]
fn flatten_inlines_the_fields_and_payload_marks_a_json_column() {
    let c = one(r#"
        #[derive(Serialize, Deserialize)]
        #[migsafe(payload = "orders.details")]
        struct Details { #[serde(flatten)] addr: Address, extra: serde_json::Value }
        #[derive(Serialize, Deserialize)]
        struct Address { street: String }
    "#);
    assert_eq!((c.name.as_str(), c.kind), ("orders.details", ContractKind::Payload));
    let f = fields(&c, "Details");
    assert_eq!(f.fields[0].writes.as_deref(), Some("street"));
    assert_eq!(f.fields[1].kind, Kind::Any);
    let c = one("#[migsafe_runtime::event(payload = \"orders.details\", produces)] #[derive(Serialize, Deserialize)] struct D { a: i32 }");
    assert_eq!((c.name.as_str(), c.kind, c.produces, c.consumes), ("orders.details", ContractKind::Payload, true, true));
}

#[test]
fn what_migsafe_cannot_see_is_unseen_never_assumed() {
    let c = one(r#"
        #[migsafe::event("x")]
        #[derive(Serialize, Deserialize)]
        struct E { money: other_crate::Money, at: chrono::DateTime<Utc>, #[serde(with = "ts")] t: i64, h: Hand }
        struct Hand;
        impl Serialize for Hand { }
    "#);
    let f = match &c.types["E"].body {
        Body::Unseen(why) => why.clone(),
        b => panic!("{b:?}"),
    };
    assert!(f.contains("with"), "{f}");
    let c = one(r#"
        #[migsafe::event("x")]
        #[derive(Serialize, Deserialize)]
        struct E { money: other_crate::Money, at: chrono::DateTime<Utc>, h: Hand }
        struct Hand;
    "#);
    let f = fields(&c, "E");
    assert!(matches!(f.fields[0].kind, Kind::Unseen { .. }));
    assert_eq!(f.fields[1].kind, Kind::Known("DateTime".into()));
    assert!(matches!(&c.types["Hand"].body, Body::Unseen(w) if w.contains("does not derive")));
}

#[test]
fn two_types_of_one_name_and_self_flattening_are_unseen_not_a_loop() {
    let c = one(r#"
        #[migsafe::event("x")]
        #[derive(Serialize, Deserialize)]
        struct E { a: Line, b: Loop }
        mod v1 { #[derive(Serialize, Deserialize)] pub struct Line { sku: String } }
        mod v2 { #[derive(Serialize, Deserialize)] pub struct Line { qty: u32 } }
        #[derive(Serialize, Deserialize)]
        struct Loop { #[serde(flatten)] inner: Box<Loop> }
    "#);
    assert!(matches!(&c.types["Line"].body, Body::Unseen(w) if w.contains("several types named `Line`")), "{:?}", c.types["Line"]);
    assert!(matches!(&c.types["Loop"].body, Body::Unseen(w) if w.contains("16 levels")), "{:?}", c.types["Loop"]);
    // A type that holds itself names itself.
    let c = one("#[migsafe::event(\"x\")] #[derive(Serialize, Deserialize)] struct Tree { children: Vec<Tree> }");
    assert_eq!(fields(&c, "Tree").fields[0].kind, Kind::Seq(Box::new(Kind::Named("Tree".into()))));
}

#[test]
fn test_code_and_unmarked_types_are_no_contracts() {
    let src = "#[migsafe::event(\"x\")] #[derive(Serialize)] struct E { a: i32 }";
    assert!(read_crate(&[("tests/it.rs".into(), src.into())]).is_empty());
    assert!(read_crate(&[("src/a.rs".into(), "#[derive(Serialize)] struct E { a: i32 }".into())]).is_empty());
    // A bare `#[event]` counts only where the file names migsafe.
    assert!(read_crate(&[("src/a.rs".into(), "#[event(\"x\")] #[derive(Serialize)] struct E { a: i32 } // payload".into())]).is_empty());
}

/// A file that may declare a contract and cannot be read is named, with
/// where and why, and nests of any depth are refused without a crash (a
/// mutant with 1,335 nested parentheses overflowed the stack of a debug
/// build when this was parsed on the caller's thread).
#[test]
fn files_that_cannot_be_read_are_named_not_dropped() {
    let good = ("src/ok.rs".to_string(), "#[migsafe::event(\"x\")] #[derive(Serialize)] struct E { a: i32 }".to_string());
    let broken = ("src/broken.rs".to_string(), "use migsafe_runtime::event;\n#[event(\"y\")]\nstruct F { a: i32,, }".to_string());
    let deep = format!("use migsafe_runtime::event;\ntype T = {}i32{};\n", "(".repeat(1335), ")".repeat(1335));
    let deep = ("src/deep.rs".to_string(), deep);
    // Deep but within the limit: parsed, on a stack deep enough (this test's
    // own thread has 2 MB).
    let nested = format!("use migsafe_runtime::event;\ntype U = {}i32{};\n", "(".repeat(900), ")".repeat(900));
    let nested = ("src/nested.rs".to_string(), nested);
    // Neither names migsafe with an event or a payload: not reported.
    let unrelated = ("src/other.rs".to_string(), "fn f( {".to_string());
    let (contracts, unread) = read_crate_and_gaps(&[good, broken, deep, nested, unrelated]);
    assert_eq!(contracts.len(), 1);
    let got: Vec<(&str, u32, bool)> = unread.iter().map(|u| (u.file.as_str(), u.line, u.reason.contains("nest deeper"))).collect();
    assert_eq!(got, [("src/broken.rs", 3, false), ("src/deep.rs", 2, true)], "{unread:?}");
    assert!(unread[0].reason.starts_with("migsafe's Rust parser cannot read this file"), "{}", unread[0].reason);
}
