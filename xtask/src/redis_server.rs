//! Finding `redis-server`, or installing it.

use std::path::Path;
use std::process::{Command, Stdio};

/// Makes sure a `redis-server` binary is available: `REDIS_SERVER_BIN`, `PATH`, or, as root
/// on Debian or Ubuntu, `apt-get install redis-server`.
pub fn ensure() -> Result<(), String> {
    if let Some(binary) = std::env::var_os("REDIS_SERVER_BIN") {
        return report_version(Path::new(&binary));
    }
    if report_version(Path::new("redis-server")).is_ok() {
        return Ok(());
    }
    if is_root() && Path::new("/usr/bin/apt-get").exists() {
        println!("redis-server is not on PATH: installing Debian's redis-server package");
        apt_get(&["update", "-qq"])?;
        apt_get(&["install", "-y", "-qq", "redis-server"])?;
        return report_version(Path::new("redis-server"));
    }
    Err(
        "redis-server is not installed and cannot be installed from here. Install it \
         (Debian/Ubuntu: `sudo apt-get install -y redis-server`; macOS: `brew install redis`), \
         or set REDIS_SERVER_BIN to its path"
            .to_owned(),
    )
}

fn report_version(binary: &Path) -> Result<(), String> {
    let output = Command::new(binary)
        .arg("--version")
        .output()
        .map_err(|e| format!("{}: {e}", binary.display()))?;
    if !output.status.success() {
        return Err(format!("{} --version failed", binary.display()));
    }
    print!("using {}", String::from_utf8_lossy(&output.stdout));
    Ok(())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

fn apt_get(args: &[&str]) -> Result<(), String> {
    let status = Command::new("apt-get")
        .args(args)
        .env("DEBIAN_FRONTEND", "noninteractive")
        .stdin(Stdio::null())
        .status()
        .map_err(|e| format!("apt-get: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("apt-get {} failed with {status}", args.join(" ")))
    }
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
