//! Round trips over every declaration kind and awkward strings, the exact
//! format (what binaries built by earlier macros hold), and malformed input.

use super::*;

/// Strings the encoding must carry unchanged: empty, the separators `:` and
/// digits, multi-byte text, a NUL inside a length-prefixed string.
const ODD: &[&str] = &["", ":", "1:", "12", "é", "日本語:テーブル", "a\0b", "🦀", " \n\t", "0:Q"];

fn sites() -> Vec<Site<'static>> {
    let mut decls = Vec::new();
    for &s in ODD {
        decls.push(Decl::Query { sql: s });
        decls.push(Decl::Table { table: s, columns: vec![] });
        decls.push(Decl::Table { table: "t", columns: ODD.to_vec() });
        decls.push(Decl::SqlEnum { target: EnumTarget::Type(s), values: ODD.to_vec(), has_other: true });
        decls.push(Decl::SqlEnum { target: EnumTarget::Column { table: s, column: s }, values: vec![], has_other: false });
        decls.push(Decl::Touches { columns: vec![] });
        decls.push(Decl::Touches {
            columns: [Access::Read, Access::Filter, Access::Write, Access::Insert].into_iter().map(|access| Touch { access, table: s, column: s }).collect(),
        });
    }
    let mut sites = Vec::new();
    for (i, decl) in decls.into_iter().enumerate() {
        let item = ODD[i % ODD.len()];
        // Module and file hold no NUL (a Rust path and a file name cannot).
        let (module, file) = [("", ""), ("app::db", "src/db.rs"), ("é::ü", "src/日本.rs"), (":", "0:")][i % 4];
        sites.push(Site { item, module, file, line: [0, 1, u32::MAX][i % 3], decl });
    }
    sites
}

#[test]
fn every_kind_round_trips() {
    let sites = sites();
    assert!(sites.len() > 60);
    for site in &sites {
        let raw = encode(site);
        assert_eq!(decode(&raw).as_ref(), Ok(site), "{raw:?}");
        // The head is what the macros write, the compiler appends the rest.
        assert!(raw.starts_with(&encode_head(site.item, &site.decl)));
    }
}

#[test]
fn the_format_is_stable() {
    // Strings as the macros have always written them: a binary built by them decodes.
    let q = decode("0:Q8:SELECT 1\0app::db\0src/db.rs\x0012").unwrap();
    assert_eq!(q, Site { item: "", module: "app::db", file: "src/db.rs", line: 12, decl: Decl::Query { sql: "SELECT 1" } });
    let t = decode("5:OrderT6:orders2:2:id6:status\0m\0f.rs\x001").unwrap();
    assert_eq!(t.decl, Decl::Table { table: "orders", columns: vec!["id", "status"] });
    let e = decode("1:SEt6:status11:4:paid\0m\0f.rs\x001").unwrap();
    assert_eq!(e.decl, Decl::SqlEnum { target: EnumTarget::Type("status"), values: vec!["paid"], has_other: true });
    let e = decode("1:SEc1:t1:c00:\0m\0f.rs\x001").unwrap();
    assert_eq!(e.decl, Decl::SqlEnum { target: EnumTarget::Column { table: "t", column: "c" }, values: vec![], has_other: false });
    let u = decode("6:settleU2:r6:orders2:idw6:orders6:status\0m\0f.rs\x007").unwrap();
    let columns = vec![Touch { access: Access::Read, table: "orders", column: "id" }, Touch { access: Access::Write, table: "orders", column: "status" }];
    assert_eq!(u.decl, Decl::Touches { columns });
    assert_eq!(encode(&u), "6:settleU2:r6:orders2:idw6:orders6:status\0m\0f.rs\x007");
    // Lengths are in bytes.
    assert_eq!(decode("0:Q11:SELECT 'é'\0m\0f.rs\x001").unwrap().decl, Decl::Query { sql: "SELECT 'é'" });
}

#[test]
fn rejects_malformed_with_where() {
    for (raw, at) in [
        ("", 0),
        ("0:", 2),
        ("0:X\0m\0f\x001", 2),
        ("0:Q9:SELECT 1\0m\0f\x001", 14),
        ("0:Q8:SELECT 1\0m\0f", 16),
        ("0:Q8:SELECT 1m\0f\x001", 13),
        ("0:Q8:SELECT 1\0m\0f\0x", 18),
        // A length that cuts a character in two.
        ("0:Q1:é\0m\0f\x001", 5),
        ("0:U1:x1:t1:c\0m\0f\x001", 5),
        ("0:Et1:t2:\0m\0f\x001", 7),
        ("0:Q99999999999999999999999:\0m\0f\x001", 3),
    ] {
        let err = decode(raw).expect_err(raw);
        assert_eq!(err.at, at, "{raw:?}: {err}");
    }
    // A huge count with nothing behind it fails without allocating for it.
    assert!(decode("0:T1:t18446744073709551615:").is_err());
}

#[test]
fn every_truncation_of_a_valid_string_is_an_error_not_a_panic() {
    for site in sites() {
        let raw = encode(&site);
        for cut in (0..raw.len()).filter(|&i| raw.is_char_boundary(i)) {
            // A cut inside the line number still decodes (to another line): only the other cuts must fail.
            let prefix = &raw[..cut];
            if prefix.matches('\0').count() < 3 + site_nuls(&site) {
                assert!(decode(prefix).is_err(), "{prefix:?}");
            }
        }
    }
}

/// NULs inside the length-prefixed strings of a site.
fn site_nuls(site: &Site<'_>) -> usize {
    encode_head(site.item, &site.decl).matches('\0').count() - 1
}
