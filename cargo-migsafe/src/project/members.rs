//! Which packages are read: workspace members (core's `config::is_member`,
//! shared with the macros), and the selection (`-p`, `--workspace`, `default-members`,
//! the root package, every member of a virtual manifest).

use super::{join, Pkg, ProjectError, Selection};
use migsafe_core::config::Declared;
use migsafe_core::deps::Manifest;

/// `dir` relative to `root` (both repository-relative).
pub(super) fn rel_to(root: &str, dir: &str) -> String {
    if root.is_empty() {
        dir.to_string()
    } else if dir == root {
        String::new()
    } else {
        dir.strip_prefix(&format!("{root}/")).unwrap_or(dir).to_string()
    }
}

/// Mark the packages `selection` picks, as cargo would: `--workspace`,
/// `-p NAME`, else at a workspace root its `default-members` (or the root
/// package, or every member of a virtual manifest), else the manifest's package.
pub(super) fn select(
    pkgs: &mut [Pkg],
    selection: &Selection,
    dir: &str,
    ws: Option<(&str, &Declared)>,
    ws_manifest: Option<&Manifest>,
) -> Result<(), ProjectError> {
    if selection.workspace {
        pkgs.iter_mut().for_each(|p| p.selected = true);
        return Ok(());
    }
    if !selection.packages.is_empty() {
        for name in &selection.packages {
            let name = name.split('@').next().unwrap_or(name);
            match pkgs.iter_mut().find(|p| p.package.name == name) {
                Some(p) => p.selected = true,
                None => {
                    let names: Vec<&str> = pkgs.iter().map(|p| p.package.name.as_str()).collect();
                    let hint = migsafe_core::suggest::did_you_mean(name, names.iter().copied()).map(|s| format!("; did you mean `{s}`?")).unwrap_or_default();
                    let place = match ws {
                        Some((d, _)) => format!("the workspace at {}", join(d, "Cargo.toml").unwrap_or_default()),
                        None => join(dir, "Cargo.toml").unwrap_or_default(),
                    };
                    return Err(ProjectError::UnknownPackage { name: name.to_string(), place, hint, members: names.join(", ") });
                }
            }
        }
        return Ok(());
    }
    match ws {
        Some((wdir, wdecl)) if wdir == dir => {
            if let Some(dm) = ws_manifest.and_then(|m| m.default_members.as_ref()) {
                let root = join(wdir, "Cargo.toml").unwrap_or_default();
                for p in pkgs.iter_mut() {
                    p.selected = migsafe_core::config::matches_any(&root, dm, &rel_to(wdir, &p.package.dir))?;
                }
            } else if wdecl.package_name.is_some() {
                for p in pkgs.iter_mut() {
                    p.selected = p.package.dir == dir;
                }
            } else {
                pkgs.iter_mut().for_each(|p| p.selected = true);
            }
        }
        _ => {
            for p in pkgs.iter_mut() {
                p.selected = p.package.dir == dir;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use migsafe_core::config::glob_match;

    #[test]
    fn member_globs() {
        assert!(glob_match("crates/*", "crates/api").unwrap());
        assert!(!glob_match("crates/*", "crates/api/sub").unwrap());
        assert!(glob_match("crates/**", "crates/api/sub").unwrap());
        assert!(glob_match("svc", "svc").unwrap());
        assert!(glob_match("svc-?", "svc-a").unwrap());
        assert!(glob_match("svc-[ab]", "svc-b").unwrap());
    }
}
