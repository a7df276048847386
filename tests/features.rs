//! A script that declares `json` or `msgpack` values, in a crate that has not enabled the
//! feature: the build fails with one message, naming the feature to enable. This builds a
//! small crate of its own (`cargo check`, offline, in this test's temporary folder), since
//! the features of a crate's own tests are always on.

use std::path::Path;
use std::process::Command;

#[test]
fn a_script_with_json_values_needs_the_json_feature_and_says_so() {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("json-without-feature");
    std::fs::create_dir_all(root.join("lua_scripts")).unwrap();
    std::fs::create_dir_all(root.join("src")).unwrap();
    let runtime = Path::new(env!("CARGO_MANIFEST_DIR")).join("runtime");
    std::fs::write(
        root.join("Cargo.toml"),
        format!(
            "[package]\nname = \"json-without-feature\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\nredis-script = {{ path = {:?} }}\n\n[workspace]\n",
            runtime.display().to_string()
        ),
    )
    .unwrap();
    std::fs::write(
        root.join("lua_scripts/save.lua"),
        "-- Saves a value.\n-- KEYS[1] = key\n-- ARGV[1] = value: json - the value\nlocal value = cjson.decode(ARGV[1])\nreturn redis.call('SET', KEYS[1], cjson.encode(value))\n",
    )
    .unwrap();
    std::fs::write(
        root.join("src/lib.rs"),
        "//! A crate without the json feature.\n\n/// Saves a value.\n#[redis_script::redis_script(\"save.lua\")]\npub struct Save;\n\n/// A call site.\npub fn save(con: &mut redis_script::redis::Connection) {\n    let _ = Save::call::<redis_script::redis::Value>(\"k\", &1).invoke(con);\n}\n",
    )
    .unwrap();
    // The lock file of this workspace pins the versions its dependencies were tested with.
    let lock = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.lock");
    std::fs::copy(&lock, root.join("Cargo.lock")).unwrap();
    let output = Command::new(env!("CARGO"))
        .args(["check", "--offline", "--quiet", "--message-format", "short"])
        .current_dir(&root)
        .env("CARGO_TARGET_DIR", root.join("target"))
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs");
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
