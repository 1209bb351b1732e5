//! The contract rules checked against serde itself: for each contract
//! scenario in `tests/scenarios`, the messages each revision writes
//! (`serde.json`: decoded with that revision's type, then encoded by it, so
//! they are exactly what it writes) are decoded with the other revision's
//! type. The verdict serde gives (some decode fails, or none does) must be
//! the scenario's expected one and the one migsafe's analysis gives on the
//! same source files.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn scenario_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios").join(name)
}

/// What serde says: each failure, as "N cannot read N-1's …: error".
fn serde_verdict<B: Serialize + DeserializeOwned, H: Serialize + DeserializeOwned>(name: &str) -> Vec<String> {
    let text = std::fs::read_to_string(scenario_dir(name).join("serde.json")).unwrap();
    let samples: Value = serde_json::from_str(&text).unwrap();
    let mut failures = Vec::new();
    for (side, who, other) in [("base", "N-1", "N"), ("head", "N", "N-1")] {
        let list = samples[side].as_array().unwrap_or_else(|| panic!("{name}: serde.json needs a `{side}` list"));
        assert!(!list.is_empty(), "{name}: no {side} samples");
        for s in list {
            // Through the writer's own type: exactly what it writes.
            let wire = if side == "base" { reencode::<B>(name, s) } else { reencode::<H>(name, s) };
            let read = if side == "base" { serde_json::from_value::<H>(wire.clone()).err() } else { serde_json::from_value::<B>(wire.clone()).err() };
            if let Some(e) = read {
                failures.push(format!("{other} cannot read {who}'s {wire}: {e}"));
            }
        }
    }
    failures
}

fn reencode<T: Serialize + DeserializeOwned>(name: &str, s: &Value) -> Value {
    let t: T = serde_json::from_value(s.clone()).unwrap_or_else(|e| panic!("{name}: sample {s} is not a message this revision writes: {e}"));
    serde_json::to_value(&t).unwrap()
}

/// What migsafe says, from the scenario's source files: the issues other than unseen types.
fn migsafe_verdict(name: &str) -> Vec<String> {
    let read = |side: &str| {
        let dir = scenario_dir(name).join(side).join("src");
        let mut files = Vec::new();
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            files.push((format!("src/{}", p.file_name().unwrap().to_string_lossy()), std::fs::read_to_string(&p).unwrap()));
        }
        migsafe_core::contract::read_crate(&files)
    };
    let (b, h) = (read("base"), read("head"));
    assert!(!b.is_empty() && !h.is_empty(), "{name}: no contract read");
    migsafe_core::contract::issues(&b, &h)
        .into_iter()
        .filter(|(_, _, i)| i.kind != migsafe_core::contract::IssueKind::Unseen)
        .map(|(_, _, i)| format!("{:?} {:?} {}: {}", i.kind, i.dir, i.path, i.detail))
        .collect()
}

fn expected_exit(name: &str) -> u8 {
    let text = std::fs::read_to_string(scenario_dir(name).join("expect.toml")).unwrap();
    let line = text.lines().find(|l| l.trim_start().starts_with("exit")).unwrap_or_else(|| panic!("{name}: expect.toml has no exit"));
    line.split('=').nth(1).unwrap().trim().parse().unwrap()
}

fn confirm(name: &str, serde: Vec<String>) {
    let migsafe = migsafe_verdict(name);
    let fires = expected_exit(name) == 1;
    assert_eq!(
        !serde.is_empty(),
        fires,
        "{name}: serde {} (expected {}):\n{}",
        if serde.is_empty() { "reads both ways" } else { "fails" },
        if fires { "fires" } else { "quiet" },
        serde.join("\n")
    );
    assert_eq!(!migsafe.is_empty(), fires, "{name}: migsafe disagrees with serde:\nmigsafe: {migsafe:#?}\nserde: {serde:#?}");
}

/// One scenario: its two `events.rs`, compiled here, and its root type.
macro_rules! scenario {
    ($test:ident, $dir:literal, $root:ident) => {
        #[allow(dead_code)]
        mod $test {
            pub mod base {
                include!(concat!(env!("CARGO_MANIFEST_DIR"), "/../scenarios/", $dir, "/base/src/events.rs"));
            }
            pub mod head {
                include!(concat!(env!("CARGO_MANIFEST_DIR"), "/../scenarios/", $dir, "/head/src/events.rs"));
            }
            #[test]
            fn serde_confirms_the_verdict() {
                super::confirm($dir, super::serde_verdict::<base::$root, head::$root>($dir));
            }
        }
    };
}

scenario!(new_required_field_fires, "contract-new-required-field-fires", OrderPlaced);
scenario!(new_required_field_quiet, "contract-new-required-field-quiet", OrderPlaced);
scenario!(required_field_dropped_fires, "contract-required-field-dropped-fires", OrderPlaced);
scenario!(required_field_dropped_quiet, "contract-required-field-dropped-quiet", OrderPlaced);
scenario!(field_renamed_fires, "contract-field-renamed-fires", OrderPlaced);
scenario!(field_renamed_quiet, "contract-field-renamed-quiet", OrderPlaced);
scenario!(type_changed_fires, "contract-type-changed-fires", OrderPlaced);
scenario!(type_changed_quiet, "contract-type-changed-quiet", OrderPlaced);
scenario!(variant_not_decodable_fires, "contract-variant-not-decodable-fires", Details);
scenario!(variant_not_decodable_quiet, "contract-variant-not-decodable-quiet", Details);
scenario!(unknown_field_denied_fires, "contract-unknown-field-denied-fires", OrderPlaced);
scenario!(unknown_field_denied_quiet, "contract-unknown-field-denied-quiet", OrderPlaced);
scenario!(checkout_incident, "contract-checkout-incident", OrderPlaced);

/// Every contract scenario with samples is listed above.
#[test]
fn every_contract_scenario_with_samples_is_confirmed() {
    let listed = include_str!("contract_roundtrip.rs");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios");
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.join("serde.json").is_file() {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            assert!(listed.contains(&format!("\"{name}\"")), "{name} has serde.json samples but no scenario! line here");
        }
    }
}

/// Defines the types and keeps their source text, for migsafe to read.
macro_rules! with_source {
    ($name:ident, $($t:tt)*) => {
        #[allow(dead_code)]
        mod $name {
            use serde::{Deserialize, Serialize};
            $($t)*
            pub const SRC: &str = stringify!($($t)*);
        }
    };
}

// `#[serde(other)]` in each representation, against a new unit and a new data-carrying variant.
with_source!(
    ext_old,
    #[migsafe_runtime::event("s")]
    #[derive(Serialize, Deserialize)]
    pub enum S {
        A,
        #[serde(other)]
        Other,
    }
);
with_source!(
    ext_unit,
    #[migsafe_runtime::event("s")]
    #[derive(Serialize, Deserialize)]
    pub enum S {
        A,
        B,
        #[serde(other)]
        Other,
    }
);
with_source!(
    ext_data,
    #[migsafe_runtime::event("s")]
    #[derive(Serialize, Deserialize)]
    pub enum S {
        A,
        B {
            n: i64,
        },
        #[serde(other)]
        Other,
    }
);
with_source!(
    int_old,
    #[migsafe_runtime::event("s")]
    #[derive(Serialize, Deserialize)]
    #[serde(tag = "t")]
    pub enum S {
        A,
        #[serde(other)]
        Other,
    }
);
with_source!(
    int_data,
    #[migsafe_runtime::event("s")]
    #[derive(Serialize, Deserialize)]
    #[serde(tag = "t")]
    pub enum S {
        A,
        B {
            n: i64,
        },
        #[serde(other)]
        Other,
    }
);
with_source!(
    adj_old,
    #[migsafe_runtime::event("s")]
    #[derive(Serialize, Deserialize)]
    #[serde(tag = "t", content = "c")]
    pub enum S {
        A,
        #[serde(other)]
        Other,
    }
);
with_source!(
    adj_data,
    #[migsafe_runtime::event("s")]
    #[derive(Serialize, Deserialize)]
    #[serde(tag = "t", content = "c")]
    pub enum S {
        A,
        B {
            n: i64,
        },
        #[serde(other)]
        Other,
    }
);

/// N writes `sample` with its type; does N-1's decode it? migsafe's answer must be serde's.
fn other_case<B: DeserializeOwned, H: Serialize + DeserializeOwned>(base_src: &str, head_src: &str, sample: Value) -> bool {
    let wire = reencode::<H>("other", &sample);
    let serde_reads = serde_json::from_value::<B>(wire.clone()).is_ok();
    let b = migsafe_core::contract::read_crate(&[("src/e.rs".into(), base_src.into())]);
    let h = migsafe_core::contract::read_crate(&[("src/e.rs".into(), head_src.into())]);
    let migsafe_reads = !migsafe_core::contract::issues(&b, &h)
        .iter()
        .any(|(_, _, i)| i.dir == migsafe_core::contract::Direction::HeadToBase && i.kind == migsafe_core::contract::IssueKind::VariantNotDecodable);
    assert_eq!(
        migsafe_reads,
        serde_reads,
        "{wire}: serde {} it, migsafe says it {}",
        if serde_reads { "reads" } else { "fails on" },
        if migsafe_reads { "reads" } else { "fails" }
    );
    serde_reads
}

#[test]
fn serde_other_takes_what_migsafe_says_it_takes() {
    use serde_json::json;
    assert!(other_case::<ext_old::S, ext_unit::S>(ext_old::SRC, ext_unit::SRC, json!("B")));
    assert!(!other_case::<ext_old::S, ext_data::S>(ext_old::SRC, ext_data::SRC, json!({"B": {"n": 1}})));
    assert!(other_case::<int_old::S, int_data::S>(int_old::SRC, int_data::SRC, json!({"t": "B", "n": 1})));
    assert!(!other_case::<adj_old::S, adj_data::S>(adj_old::SRC, adj_data::SRC, json!({"t": "B", "c": {"n": 1}})));
}
