//! docs/rules.md is generated from the rule metadata and must stay in step.

#[test]
fn rules_reference_is_up_to_date() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/rules.md");
    let want = cargo_migsafe::commands::rules_markdown();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, &want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(have == want, "docs/rules.md is stale: run `UPDATE_DOCS=1 cargo test -p cargo-migsafe --test docs`");
    for r in migsafe_core::rules::REGISTRY {
        assert!(have.contains(&format!("## {}", r.meta.id)));
    }
}
