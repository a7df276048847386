//! Compile-fail tests: what a wrong script, path or call site makes the compiler say.
//!
//! trybuild builds each case in a crate of its own under `target/tests/trybuild/`, whose
//! root has no `lua_scripts/`; like askama's tests, this links that folder to
//! `tests/ui/lua_scripts/` first, so the macro finds the fixtures there.

use std::path::{Path, PathBuf};

#[test]
fn ui() {
    link_fixture_scripts();
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
    cases.pass("tests/ui/pass/*.rs");
}

/// Points `<target>/tests/trybuild/<package>/lua_scripts` at `tests/ui/lua_scripts`.
fn link_fixture_scripts() {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let project = target_dir()
        .join("tests")
        .join("trybuild")
        .join(env!("CARGO_PKG_NAME"));
    std::fs::create_dir_all(&project).unwrap();
    let link = project.join("lua_scripts");
    let fixtures = manifest_dir.join("tests").join("ui").join("lua_scripts");
    if std::fs::read_link(&link).is_ok_and(|target| target == fixtures) {
        return;
    }
    let _ = std::fs::remove_file(&link);
    let _ = std::fs::remove_dir_all(&link);
    symlink_dir(&fixtures, &link);
}

/// Cargo's target folder: the nearest folder above this test binary holding CACHEDIR.TAG.
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.ancestors()
        .find(|dir| dir.join("CACHEDIR.TAG").is_file())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
}

#[cfg(unix)]
fn symlink_dir(target: &Path, link: &Path) {
    std::os::unix::fs::symlink(target, link).unwrap();
}

#[cfg(windows)]
fn symlink_dir(target: &Path, link: &Path) {
    std::os::windows::fs::symlink_dir(target, link).unwrap();
}
