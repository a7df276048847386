//! Builds of small crates of their own (`cargo check`, offline, in this test's temporary
//! folder), for what a crate's own tests cannot show: a script that declares `json` values
//! in a crate without the `json` feature fails with one message naming the feature (the
//! features of a crate's own tests are always on); a vendored script whose header declares
//! entries it never reads builds under `RUSTFLAGS=-D warnings` with one crate-wide `allow`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A crate named `name` in this test's temporary folder that depends on `redis-script`
/// (`features`), with `metadata` under `[package.metadata.redis-script]`, `script` as
/// `lua_scripts/<script_name>` and `lib` as `src/lib.rs`; this workspace's lock file pins
/// its dependencies.
fn small_crate(
    name: &str,
    metadata: &str,
    (script_name, script): (&str, &str),
    lib: &str,
) -> PathBuf {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::create_dir_all(root.join("lua_scripts")).unwrap();
    std::fs::create_dir_all(root.join("src")).unwrap();
    let runtime = Path::new(env!("CARGO_MANIFEST_DIR")).join("runtime");
    std::fs::write(
        root.join("Cargo.toml"),
        format!(
            "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[package.metadata.redis-script]\n{metadata}\n\n[dependencies]\nredis-script = {{ path = {:?} }}\n\n[workspace]\n",
            runtime.display().to_string()
        ),
    )
    .unwrap();
    std::fs::write(root.join("lua_scripts").join(script_name), script).unwrap();
    std::fs::write(root.join("src/lib.rs"), lib).unwrap();
    let lock = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.lock");
    std::fs::copy(&lock, root.join("Cargo.lock")).unwrap();
    root
}

/// `cargo check` of the crate at `root`, with `rustflags` as `RUSTFLAGS`.
fn check(root: &Path, rustflags: &str) -> Output {
    Command::new(env!("CARGO"))
        .args(["check", "--offline", "--quiet", "--message-format", "short"])
        .current_dir(root)
        .env("CARGO_TARGET_DIR", root.join("target"))
        .env("RUSTFLAGS", rustflags)
        .output()
        .expect("cargo runs")
}

#[test]
fn a_script_with_json_values_needs_the_json_feature_and_says_so() {
    let root = small_crate(
        "json-without-feature",
        "",
        (
            "save.lua",
            "-- Saves a value.\n-- KEYS[1] = key\n-- ARGV[1] = value: json - the value\nlocal value = cjson.decode(ARGV[1])\nreturn redis.call('SET', KEYS[1], cjson.encode(value))\n",
        ),
        "//! A crate without the json feature.\n\n/// Saves a value.\n#[redis_script::redis_script(\"save.lua\")]\npub struct Save;\n\n/// A call site.\npub fn save(con: &mut redis_script::redis::Connection) {\n    let _ = Save::call::<redis_script::redis::Value>(\"k\", &1).invoke(con);\n}\n",
    );
    let output = check(&root, "");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "the build must fail:\n{stderr}");
    let errors: Vec<&str> = stderr
        .lines()
        .filter(|line| line.contains("error:"))
        .collect();
    assert!(
        errors[0].contains(
            "lua_scripts/save.lua declares `json` values: enable the `json` feature of redis-script"
        ),
        "{stderr}"
    );
    assert_eq!(
        errors
            .iter()
            .filter(|line| !line.contains("could not compile"))
            .count(),
        1,
        "one error, no cascade:\n{stderr}"
    );
}

#[test]
fn a_vendored_script_with_unread_entries_builds_under_deny_warnings_with_a_crate_wide_allow() {
    // Written in the style of job-queue libraries: entries kept for callers of older
    // versions, described in prose.
    let script = "--[[\n  Marks a job done.\n\n  Input:\n    KEYS[1] job key\n    KEYS[2] events stream (unused since 2.0)\n\n    ARGV[1] token\n    ARGV[2] timestamp (unused)\n\n  Output:\n    1 - done\n]]\nif redis.call('HGET', KEYS[1], 'token') == ARGV[1] then\n  redis.call('HSET', KEYS[1], 'done', 1)\n  return 1\nend\nreturn 0\n";
    let lib = "//! Binds a vendored script as shipped.\n\n/// Marks a job done.\n#[redis_script::redis_script(\"mark_done.lua\")]\npub struct MarkDone;\n";
    let root = small_crate("vendored-unread", "", ("mark_done.lua", script), lib);
    let denied = check(&root, "-D warnings");
    let stderr = String::from_utf8_lossy(&denied.stderr);
    assert!(
        !denied.status.success(),
        "without the allow the warnings deny the build"
    );
    assert_eq!(
        stderr.matches("[unread_parameter]").count(),
        2,
        "one warning per unread entry:\n{stderr}"
    );
    let root = small_crate(
        "vendored-unread",
        "allow = [\"unread_parameter\"]",
        ("mark_done.lua", script),
        lib,
    );
    let allowed = check(&root, "-D warnings");
    assert!(
        allowed.status.success(),
        "the crate-wide allow lets it build:\n{}",
        String::from_utf8_lossy(&allowed.stderr)
    );
}
