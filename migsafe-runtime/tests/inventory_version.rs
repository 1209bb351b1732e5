//! A service that depends on inventory itself, at another 0.3 release than
//! the newest, must still resolve its dependencies with migsafe-runtime:
//! cargo allows one inventory 0.3 per build, so migsafe-runtime must accept
//! any 0.3 (it once pinned inventory exactly, to write inventory's private section
//! name; it now submits sites with inventory's public `submit!`).
//!
//! The other release is a local stand-in patched over crates.io, and cargo
//! resolves offline, from what building this workspace downloaded: no network.

use std::path::Path;
use std::process::Command;

/// Resolves a service that depends on migsafe-runtime and on `inventory = "=<version>"`.
fn resolve_with_inventory(version: &str) -> (bool, String) {
    let root = std::env::temp_dir().join(format!("migsafe-inventory-{version}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let (service, fake) = (root.join("service"), root.join("inventory"));
    std::fs::create_dir_all(service.join("src")).unwrap();
    std::fs::create_dir_all(fake.join("src")).unwrap();
    std::fs::write(fake.join("Cargo.toml"), format!("[package]\nname = \"inventory\"\nversion = \"{version}\"\nedition = \"2021\"\n")).unwrap();
    std::fs::write(fake.join("src/lib.rs"), "").unwrap();
    let runtime = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::write(
        service.join("Cargo.toml"),
        format!(
            "[package]\nname = \"service\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n\n\
             [dependencies]\nmigsafe-runtime = {{ path = {runtime:?} }}\ninventory = \"={version}\"\n\n\
             [patch.crates-io]\ninventory = {{ path = {fake:?} }}\n",
            runtime = runtime.display().to_string(),
            fake = fake.display().to_string(),
        ),
    )
    .unwrap();
    std::fs::write(service.join("src/lib.rs"), "").unwrap();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo).args(["generate-lockfile", "--offline"]).current_dir(&service).env_remove("CARGO_TARGET_DIR").output().expect("run cargo");
    let lock = std::fs::read_to_string(service.join("Cargo.lock")).unwrap_or_default();
    let _ = std::fs::remove_dir_all(&root);
    (out.status.success(), format!("{}\n{lock}", String::from_utf8_lossy(&out.stderr)))
}

#[test]
fn a_service_with_its_own_inventory_0_3_resolves() {
    // An older release, and one newer than any published today.
    for version in ["0.3.0", "0.3.999"] {
        let (ok, out) = resolve_with_inventory(version);
        assert!(ok, "inventory {version}: cargo could not resolve:\n{out}");
        // One inventory in the build: the service's, which migsafe-runtime uses too.
        assert_eq!(out.matches("name = \"inventory\"").count(), 1, "inventory {version}:\n{out}");
        assert!(out.contains(&format!("name = \"inventory\"\nversion = \"{version}\"")), "inventory {version}:\n{out}");
    }
}

#[test]
fn sites_are_added_through_inventory_public_api_only() {
    // inventory's hidden items and any section name belong to one release.
    let src = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs")).unwrap();
    for private in ["link_section", "inventory::__private", "linkme::", "distributed_slice("] {
        assert!(!src.contains(private), "src/lib.rs uses `{private}`: an item private to one release (or linkme)");
    }
}
