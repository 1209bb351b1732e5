//! A service that depends on linkme itself, at another 0.3 release than the
//! newest, must still resolve its dependencies with migsafe-runtime: cargo
//! allows one linkme 0.3 per build, so migsafe-runtime must accept any 0.3
//! (it once pinned one exactly, to write linkme's private section name).
//!
//! The other release is a local stand-in patched over crates.io, and cargo
//! resolves offline, from what building this workspace downloaded: no network.

use std::path::Path;
use std::process::Command;

/// Resolves a service that depends on migsafe-runtime and on `linkme = "=<version>"`.
fn resolve_with_linkme(version: &str) -> (bool, String) {
    let root = std::env::temp_dir().join(format!("migsafe-linkme-{version}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let (service, fake) = (root.join("service"), root.join("linkme"));
    std::fs::create_dir_all(service.join("src")).unwrap();
    std::fs::create_dir_all(fake.join("src")).unwrap();
    std::fs::write(fake.join("Cargo.toml"), format!("[package]\nname = \"linkme\"\nversion = \"{version}\"\nedition = \"2021\"\n")).unwrap();
    std::fs::write(fake.join("src/lib.rs"), "").unwrap();
    let runtime = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::write(
        service.join("Cargo.toml"),
        format!(
            "[package]\nname = \"service\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n\n\
             [dependencies]\nmigsafe-runtime = {{ path = {runtime:?} }}\nlinkme = \"={version}\"\n\n\
             [patch.crates-io]\nlinkme = {{ path = {fake:?} }}\n",
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
fn a_service_with_its_own_linkme_0_3_resolves() {
    // An older release, and one newer than any published today.
    for version in ["0.3.0", "0.3.999"] {
        let (ok, out) = resolve_with_linkme(version);
        assert!(ok, "linkme {version}: cargo could not resolve:\n{out}");
        // One linkme in the build: the service's, which migsafe-runtime uses too.
        assert_eq!(out.matches("name = \"linkme\"").count(), 1, "linkme {version}:\n{out}");
        assert!(out.contains(&format!("name = \"linkme\"\nversion = \"{version}\"")), "linkme {version}:\n{out}");
    }
}

#[test]
fn sites_are_added_through_linkme_public_api_only() {
    // linkme's section names and element macro are private to one release.
    let src = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs")).unwrap();
    for private in ["link_section", "linkme_SITES", "linkme_macro"] {
        assert!(!src.contains(private), "src/lib.rs uses linkme's private `{private}`");
    }
}
