//! Finding the programs the suite needs, or installing them from Debian's packages.

use std::path::Path;
use std::process::{Command, Stdio};

/// A program the suite runs.
pub struct Tool {
    /// The variable that can name its binary.
    pub env: &'static str,
    /// Its binary on `PATH`.
    pub binary: &'static str,
    /// The Debian package that has it.
    pub package: &'static str,
    /// How to install it elsewhere.
    pub elsewhere: &'static str,
}

/// The Redis server of the suite's default runs.
pub const REDIS_SERVER: Tool = Tool {
    env: "REDIS_SERVER_BIN",
    binary: "redis-server",
    package: "redis-server",
    elsewhere: "Debian/Ubuntu: `sudo apt-get install -y redis-server`; macOS: `brew install redis`",
};

/// The editor the language server is tried with.
pub const NEOVIM: Tool = Tool {
    env: "NVIM_BIN",
    binary: "nvim",
    package: "neovim",
    elsewhere: "Debian/Ubuntu: `sudo apt-get install -y neovim`; macOS: `brew install neovim`",
};

/// What draws the HTML coverage report (`genhtml`, of Debian's `lcov`).
pub const LCOV: Tool = Tool {
    env: "GENHTML_BIN",
    binary: "genhtml",
    package: "lcov",
    elsewhere: "Debian/Ubuntu: `sudo apt-get install -y lcov`; macOS: `brew install lcov`",
};

/// Makes sure `tool` is available: its variable, `PATH`, or, as root on Debian or Ubuntu,
/// `apt-get install` of its package.
pub fn ensure(tool: &Tool) -> Result<(), String> {
    if let Some(binary) = std::env::var_os(tool.env) {
        return report_version(Path::new(&binary));
    }
    if report_version(Path::new(tool.binary)).is_ok() {
        return Ok(());
    }
    if is_root() && Path::new("/usr/bin/apt-get").exists() {
        println!(
            "{} is not on PATH: installing Debian's {} package",
            tool.binary, tool.package
        );
        apt_get(&["update", "-qq"])?;
        apt_get(&["install", "-y", "-qq", tool.package])?;
        return report_version(Path::new(tool.binary));
    }
    Err(format!(
        "{} is not installed and cannot be installed from here. Install it ({}), or set {} to its path",
        tool.binary, tool.elsewhere, tool.env
    ))
}

fn report_version(binary: &Path) -> Result<(), String> {
    let output = Command::new(binary)
        .arg("--version")
        .output()
        .map_err(|e| format!("{}: {e}", binary.display()))?;
    if !output.status.success() {
        return Err(format!("{} --version failed", binary.display()));
    }
    let text = String::from_utf8_lossy(&output.stdout);
    println!("using {}", text.lines().next().unwrap_or_default());
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
