//! Running the steps of a task: one cargo command each, its output shown as it comes.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Instant;

/// One step of a task.
pub struct Step {
    title: String,
    command: Command,
}

/// Test totals read from the `test result:` lines of `cargo test`.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct TestCounts {
    /// Tests that passed.
    pub passed: usize,
    /// Tests that failed.
    pub failed: usize,
}

impl Step {
    /// `cargo <args>`, run from the workspace root.
    pub fn cargo(title: &'static str, args: &[&str]) -> Self {
        Self::cargo_owned(title.to_owned(), args)
    }

    /// [`cargo`](Self::cargo) with a title made at run time.
    pub fn cargo_owned(title: String, args: &[&str]) -> Self {
        let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
        command
            .args(args)
            .current_dir(workspace_root())
            .stdin(Stdio::null());
        Self { title, command }
    }

    /// Runs the step in `dir` instead of the workspace root.
    pub fn in_dir(mut self, dir: &std::path::Path) -> Self {
        self.command.current_dir(dir);
        self
    }

    /// Sets an environment variable to a path for the step.
    pub fn with_env_path(mut self, key: &str, value: &std::path::Path) -> Self {
        self.command.env(key, value);
        self
    }

    /// Sets an environment variable for the step.
    pub fn with_env(mut self, key: &str, value: &str) -> Self {
        self.command.env(key, value);
        self
    }

    /// Removes an environment variable for the step.
    pub fn without_env(mut self, key: &str) -> Self {
        self.command.env_remove(key);
        self
    }

    /// Runs the step; fails when the command does.
    pub fn run(mut self) -> Result<(), String> {
        let started = self.announce();
        let status = self
            .command
            .status()
            .map_err(|e| format!("{}: {e}", self.title))?;
        self.finish(started, status.success())
    }

    /// Runs a `cargo test` step, passing its output through and adding up its results.
    /// The counts are kept when the step fails, with why it failed.
    pub fn run_counting_tests(mut self) -> (TestCounts, Result<(), String>) {
        let started = self.announce();
        let mut counts = TestCounts::default();
        let mut child = match self.command.stdout(Stdio::piped()).spawn() {
            Ok(child) => child,
            Err(e) => return (counts, Err(format!("{}: {e}", self.title))),
        };
        let stdout = child.stdout.take().expect("stdout is piped");
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            println!("{line}");
            counts.add(parse_test_result(&line));
        }
        let success = child.wait().is_ok_and(|status| status.success());
        (counts, self.finish(started, success))
    }

    fn announce(&self) -> Instant {
        let args: Vec<String> = self
            .command
            .get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        println!("\n==> {}: cargo {}", self.title, args.join(" "));
        Instant::now()
    }

    fn finish(&self, started: Instant, success: bool) -> Result<(), String> {
        let seconds = started.elapsed().as_secs_f64();
        if success {
            println!("==> {}: ok ({seconds:.1} s)", self.title);
            Ok(())
        } else {
            Err(format!("step '{}' failed after {seconds:.1} s", self.title))
        }
    }
}

impl TestCounts {
    /// Adds `other` to these counts.
    pub fn add(&mut self, other: TestCounts) {
        self.passed += other.passed;
        self.failed += other.failed;
    }
}

/// Reads `test result: ok. 5 passed; 0 failed; ...`.
fn parse_test_result(line: &str) -> TestCounts {
    let Some(rest) = line.trim().strip_prefix("test result: ") else {
        return TestCounts::default();
    };
    let count = |label: &str| {
        rest.split(';')
            .find_map(|part| {
                part.trim()
                    .trim_start_matches("ok. ")
                    .trim_start_matches("FAILED. ")
                    .strip_suffix(label)
            })
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or(0)
    };
    TestCounts {
        passed: count("passed"),
        failed: count("failed"),
    }
}

/// Makes sure rustfmt and clippy are installed, adding them with rustup when they are not.
pub fn ensure_components() -> Result<(), String> {
    for (component, probe) in [("rustfmt", "fmt"), ("clippy", "clippy")] {
        let installed = Command::new("cargo")
            .args([probe, "--version"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if installed {
            continue;
        }
        println!("{component} is missing: rustup component add {component}");
        let added = Command::new("rustup")
            .args(["component", "add", component])
            .status()
            .is_ok_and(|s| s.success());
        if !added {
            return Err(format!(
                "{component} is not installed; install it with `rustup component add {component}`"
            ));
        }
    }
    Ok(())
}

/// Where `cargo package` builds the packages it verifies.
pub const PACKAGE_TARGET: &str = "target/package-verify";

/// Removes what an earlier `cargo package` of this workspace left: cargo takes a package
/// of a registry for immutable, so it would verify a new package against the sources, and
/// the build, of the old one of the same version. It keeps them in `target/package`,
/// unpacked in its registry cache, and in [`PACKAGE_TARGET`].
pub fn forget_earlier_packages() {
    let root = workspace_root();
    let _ = std::fs::remove_dir_all(root.join("target").join("package"));
    let build = root.join(PACKAGE_TARGET).join("debug");
    for folder in [".fingerprint", "deps", "build"] {
        if let Ok(entries) = std::fs::read_dir(build.join(folder)) {
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if name.contains("redis-script") || name.contains("redis_script") {
                    let _ = std::fs::remove_dir_all(entry.path());
                    let _ = std::fs::remove_file(entry.path());
                }
            }
        }
    }
    let cargo_home = std::env::var_os("CARGO_HOME").map_or_else(
        || std::path::PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cargo"),
        std::path::PathBuf::from,
    );
    let Ok(registries) = std::fs::read_dir(cargo_home.join("registry").join("src")) else {
        return;
    };
    for registry in registries.flatten() {
        let Ok(crates) = std::fs::read_dir(registry.path()) else {
            continue;
        };
        for unpacked in crates.flatten() {
            if unpacked
                .file_name()
                .to_string_lossy()
                .starts_with("redis-script")
            {
                let _ = std::fs::remove_dir_all(unpacked.path());
            }
        }
    }
}

/// The workspace root: the parent of this crate's folder.
pub fn workspace_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace root")
        .to_path_buf()
}

/// The arguments after `cargo test -p ...` that run every test binary but the UI tests,
/// which compile code and start no server.
pub const TESTS_BUT_UI: [&str; 7] = [
    "--all-features",
    "--tests",
    "--no-fail-fast",
    "--",
    "--exact",
    "--skip",
    "ui",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_test_result_lines() {
        assert_eq!(
            parse_test_result(
                "test result: ok. 17 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.20s"
            ),
            TestCounts {
                passed: 17,
                failed: 0
            }
        );
        assert_eq!(
            parse_test_result("test result: FAILED. 15 passed; 2 failed; 0 ignored"),
            TestCounts {
                passed: 15,
                failed: 2
            }
        );
        assert_eq!(parse_test_result("running 3 tests"), TestCounts::default());
    }
}
