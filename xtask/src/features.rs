//! Every feature of the `redis-script` crate on its own: CI builds everything with
//! `--all-features`, which would hide a feature that no longer builds alone (a `cfg` that
//! names the wrong feature, an import only another feature brings). `cargo xtask test`
//! runs clippy, warnings denied, on the crate with no features and with each feature
//! alone, read from its `Cargo.toml` so that a new feature is guarded from the start.

use std::path::Path;

use crate::run::Step;

/// The features that cannot build without a runtime for redis-rs's async clients: each
/// is checked together with `tokio-comp`, as a user would enable it.
const NEED_A_RUNTIME: &[&str] = &["aio", "connection-manager", "cluster-async"];

/// Runs clippy on `redis-script` with no features, then with each one alone.
pub fn check_each(root: &Path) -> Result<(), String> {
    let features = runtime_features(root)?;
    let mut sets = vec![String::new()];
    for feature in features {
        if NEED_A_RUNTIME.contains(&feature.as_str()) {
            sets.push(format!("{feature},tokio-comp"));
        } else {
            sets.push(feature);
        }
    }
    for set in &sets {
        let shown = if set.is_empty() { "no features" } else { set };
        let mut args = vec![
            "clippy",
            "-p",
            "redis-script",
            "--lib",
            "--tests",
            "--no-default-features",
        ];
        if !set.is_empty() {
            args.extend(["--features", set]);
        }
        args.extend(["--", "-D", "warnings"]);
        Step::cargo_owned(format!("clippy of redis-script with {shown}"), &args).run()?;
    }
    Ok(())
}

/// The features `runtime/Cargo.toml` declares, `default` left out.
fn runtime_features(root: &Path) -> Result<Vec<String>, String> {
    let path = root.join("runtime").join("Cargo.toml");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let features = features_of(&text);
    if features.is_empty() {
        return Err(format!("{} declares no features", path.display()));
    }
    Ok(features)
}

/// The keys of the `[features]` table of a manifest, `default` left out.
fn features_of(manifest: &str) -> Vec<String> {
    manifest
        .lines()
        .skip_while(|line| line.trim() != "[features]")
        .skip(1)
        .take_while(|line| !line.trim_start().starts_with('['))
        .filter_map(|line| {
            let (key, _) = line.split_once('=')?;
            let key = key.trim();
            (!key.is_empty() && !key.starts_with('#') && key != "default").then(|| key.to_owned())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_feature_table_and_nothing_else() {
        let manifest = "[package]\nname = \"x\"\n\n[features]\ndefault = []\n## docs\naio = [\"redis/aio\"]\ncluster = []\n\n[dependencies]\nredis = \"1\"\n";
        assert_eq!(features_of(manifest), ["aio", "cluster"]);
    }
}
