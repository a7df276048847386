//! `cargo xtask redis-2`: builds and tests the workspace against redis-rs 2.0's release
//! candidate, in a scratch copy under `target/redis-2/`, so that the move to 2.0 is a
//! version bump when it ships. The copy's root `Cargo.toml` names the candidate; nothing
//! in the working tree changes.

use std::path::Path;

use crate::run::Step;

/// The redis-rs version tried.
const CANDIDATE: &str = "2.0.0-rc.2";

/// Copies the workspace, points it at [`CANDIDATE`] and runs its tests.
pub fn check(root: &Path) -> Result<(), String> {
    let scratch = root.join("target").join("redis-2");
    let copy = scratch.join("workspace");
    let _ = std::fs::remove_dir_all(&copy);
    copy_tree(root, &copy)?;
    let manifest = copy.join("Cargo.toml");
    let text =
        std::fs::read_to_string(&manifest).map_err(|e| format!("{}: {e}", manifest.display()))?;
    let pinned = text.replacen(
        "redis = { version = \"1.8\"",
        &format!("redis = {{ version = \"={CANDIDATE}\""),
        1,
    );
    if pinned == text {
        return Err("the root Cargo.toml no longer declares `redis = { version = \"1.8\"`: update xtask/src/redis_2.rs".to_owned());
    }
    std::fs::write(&manifest, pinned).map_err(|e| format!("{}: {e}", manifest.display()))?;
    let _ = std::fs::remove_file(copy.join("Cargo.lock"));
    Step::cargo(
        "every test, against redis-rs 2.0's release candidate",
        &["test", "--workspace", "--all-features", "--no-fail-fast"],
    )
    .in_dir(&copy)
    .with_env_path("CARGO_TARGET_DIR", &scratch.join("target"))
    .without_env("REDIS_URL")
    .run()
}

/// Copies `from` to `to`, leaving out `.git` and `target`.
fn copy_tree(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
    let entries = std::fs::read_dir(from).map_err(|e| format!("{}: {e}", from.display()))?;
    for entry in entries.flatten() {
        let name = entry.file_name();
        if name == ".git" || name == "target" {
            continue;
        }
        let (source, target) = (entry.path(), to.join(&name));
        let kind = entry
            .file_type()
            .map_err(|e| format!("{}: {e}", source.display()))?;
        if kind.is_symlink() {
            let link =
                std::fs::read_link(&source).map_err(|e| format!("{}: {e}", source.display()))?;
            symlink(&link, &target)?;
        } else if kind.is_dir() {
            copy_tree(&source, &target)?;
        } else {
            std::fs::copy(&source, &target).map_err(|e| format!("{}: {e}", source.display()))?;
        }
    }
    Ok(())
}

#[cfg(unix)]
fn symlink(link: &Path, at: &Path) -> Result<(), String> {
    std::os::unix::fs::symlink(link, at).map_err(|e| format!("{}: {e}", at.display()))
}

#[cfg(not(unix))]
fn symlink(link: &Path, at: &Path) -> Result<(), String> {
    std::fs::copy(link, at)
        .map(drop)
        .map_err(|e| format!("{}: {e}", at.display()))
}
