//! Finding `redis-server`, or installing it.

use std::process::Command;

use crate::install;

/// Makes sure a `redis-server` binary is available: `REDIS_SERVER_BIN`, `PATH`, or, as root
/// on Debian or Ubuntu, `apt-get install redis-server`.
pub fn ensure() -> Result<(), String> {
    install::ensure(&install::REDIS_SERVER)
}

/// The default server binary: `REDIS_SERVER_BIN`, else `redis-server` from `PATH`.
pub fn default_binary() -> std::path::PathBuf {
    std::env::var_os("REDIS_SERVER_BIN").map_or_else(|| "redis-server".into(), Into::into)
}

/// How the suite names the default server: `redis-7.0` for Redis 7.0.15, from its version.
pub fn default_name() -> String {
    let binary = default_binary();
    let output = Command::new(&binary).arg("--version").output();
    let text = output
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    let family = if text.contains("Valkey") {
        "valkey"
    } else {
        "redis"
    };
    let version = text
        .split_whitespace()
        .find_map(|word| word.strip_prefix("v="))
        .map(|v| v.split('.').take(2).collect::<Vec<_>>().join("."))
        .unwrap_or_else(|| "?".to_owned());
    format!("{family}-{version}")
}
