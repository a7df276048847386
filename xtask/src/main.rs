//! Project tasks, run as `cargo xtask <task>`:
//!
//! - `demo`: runs the rate limiter example against a throwaway Redis server.
//! - `test`: the whole suite: fmt check, clippy with warnings denied (also on
//!   `redis-script` with no features and with each feature alone), every test (unit,
//!   integration against real Redis, UI, doc tests, the language server in Neovim, which
//!   it installs like `redis-server`), the example of vendored scripts
//!   (`cargo run --example vendored`), then the tests that start servers
//!   once more on each newer server (Redis 8.0, Valkey 8.1, Valkey 9), rustdoc with
//!   warnings denied, and `cargo package` of the published crates.
//! - `coverage`: runs the tests and examples in coverage mode and prints the line
//!   coverage of `lua_scripts/` (an lcov tracefile and an HTML report in
//!   `target/coverage/`).
//! - `servers`: fetches the newer servers into `target/servers/` (see [`servers`]).
//! - `redis-2`: builds and tests a scratch copy against redis-rs 2.0's release candidate.
//! - `bench`: the throughput table (typed call against hand-written `EVALSHA`,
//!   `redis::Script` and `redis-benchmark`), then the compile cost of bound scripts.
//! - `compile-cost`: only the compile cost of bound scripts.
//! - `redis-tables`: regenerates the analyzer's command tables and Lua environments from
//!   every server of the suite.
//!
//! All find `redis-server` on `PATH` (or in `REDIS_SERVER_BIN`), or install it: Debian
//! 12's package is Redis 7.0, the first server of the suite.

mod compile_cost;
mod coverage;
mod features;
mod install;
mod redis_2;
mod redis_server;
mod run;
mod servers;
mod tables;

use std::process::ExitCode;

use run::{Step, TestCounts};

fn main() -> ExitCode {
    let task = std::env::args().nth(1).unwrap_or_default();
    let outcome = match task.as_str() {
        "demo" => demo(),
        "test" => test(),
        "bench" => bench(),
        "compile-cost" => compile_cost::measure(&run::workspace_root()),
        "coverage" => coverage::measure(&run::workspace_root()),
        "servers" => servers::ensure(&run::workspace_root()).map(drop),
        "redis-2" => redis_server::ensure().and_then(|()| redis_2::check(&run::workspace_root())),
        "redis-tables" => redis_tables(),
        _ => {
            eprintln!(
                "usage: cargo xtask <demo|test|bench|coverage|compile-cost|servers|redis-tables|redis-2>\n\n  \
                 demo          run the rate limiter example against a throwaway Redis\n  \
                 test          fmt, clippy, every test (on each server), the docs and cargo package\n  \
                 servers       fetch Redis 8.0, Valkey 8.1 and Valkey 9 into target/servers\n  \
                 bench         throughput, allocations, the language server and compile cost\n  \
                 coverage      the line coverage of lua_scripts/ from the tests and examples\n  \
                 compile-cost  only the compile cost of bound scripts\n  \
                 redis-tables  regenerate analyzer/src/redis/tables.rs from every server of the suite\n  \
                 redis-2       build and test a scratch copy against redis-rs 2.0's release candidate"
            );
            return ExitCode::from(2);
        }
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("\nxtask {task} failed: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Regenerates the analyzer's tables from every server the suite runs on.
fn redis_tables() -> Result<(), String> {
    let root = run::workspace_root();
    redis_server::ensure()?;
    let mut binaries = vec![redis_server::default_binary()];
    binaries.extend(servers::ensure(&root)?.into_iter().map(|s| s.server));
    tables::generate(&root, &binaries)
}

fn demo() -> Result<(), String> {
    redis_server::ensure()?;
    Step::cargo(
        "run the rate limiter example",
        &["run", "--quiet", "--example", "rate_limiter"],
    )
    .without_env("REDIS_URL")
    .run()
}

fn bench() -> Result<(), String> {
    redis_server::ensure()?;
    Step::cargo(
        "throughput benchmark",
        &["bench", "--quiet", "--bench", "throughput"],
    )
    .without_env("REDIS_URL")
    .run()?;
    Step::cargo(
        "language server benchmark",
        &[
            "bench",
            "--quiet",
            "-p",
            "redis-script-cli",
            "--bench",
            "lsp",
        ],
    )
    .run()?;
    compile_cost::measure(&run::workspace_root())
}

/// The license texts `Cargo.toml` declares, which every published crate must carry.
const LICENSE_TEXTS: [&str; 2] = ["LICENSE-MIT", "LICENSE-APACHE"];

/// Checks that the `.crate` file of every published crate, just packaged, holds
/// [`LICENSE_TEXTS`] (the crates link them from the workspace root).
fn check_license_texts_packaged(root: &std::path::Path) -> Result<(), String> {
    let packages = root.join(run::PACKAGE_TARGET).join("package");
    let crates: Vec<_> = std::fs::read_dir(&packages)
        .map_err(|e| format!("cannot read {}: {e}", packages.display()))?
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|e| e == "crate"))
        .collect();
    if crates.is_empty() {
        return Err(format!("no .crate file in {}", packages.display()));
    }
    for file in &crates {
        let listing = std::process::Command::new("tar")
            .arg("-tzf")
            .arg(file)
            .output()
            .map_err(|e| format!("tar -tzf {}: {e}", file.display()))?;
        let listing = String::from_utf8_lossy(&listing.stdout);
        for text in LICENSE_TEXTS {
            if !listing
                .lines()
                .any(|line| line.ends_with(&format!("/{text}")))
            {
                return Err(format!("{} does not hold {text}", file.display()));
            }
        }
    }
    println!(
        "every published crate holds {}",
        LICENSE_TEXTS.join(" and ")
    );
    Ok(())
}

fn test() -> Result<(), String> {
    let root = run::workspace_root();
    redis_server::ensure()?;
    install::ensure(&install::NEOVIM)?;
    let newer = servers::ensure(&root)?;
    run::ensure_components()?;
    Step::cargo("check formatting", &["fmt", "--all", "--", "--check"]).run()?;
    Step::cargo(
        "clippy, warnings denied",
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--all-features",
            "--",
            "-D",
            "warnings",
        ],
    )
    .run()?;
    features::check_each(&root)?;
    let mut results = vec![(
        redis_server::default_name(),
        Step::cargo(
            "every test",
            &["test", "--workspace", "--all-features", "--no-fail-fast"],
        )
        .without_env("REDIS_URL")
        .run_counting_tests(),
    )];
    // The example of vendored scripts bound through overlays, as `cargo run` runs it.
    Step::cargo(
        "run the vendored-scripts example",
        &["run", "--quiet", "--example", "vendored"],
    )
    .without_env("REDIS_URL")
    .run()?;
    for server in &newer {
        let title = format!("the tests that start servers, on {}", server.name);
        let mut args = vec![
            "test",
            "-p",
            "redis-script-examples",
            "-p",
            "redis-script-testing",
        ];
        args.extend(run::TESTS_BUT_UI);
        let counts = Step::cargo_owned(title, &args)
            .without_env("REDIS_URL")
            .with_env_path("REDIS_SERVER_BIN", &server.server)
            .with_env_path("REDIS_CLI_BIN", &server.cli)
            .run_counting_tests();
        results.push((server.name.to_owned(), counts));
    }
    Step::cargo(
        "docs, warnings denied",
        &["doc", "--workspace", "--no-deps", "--all-features"],
    )
    .with_env("RUSTDOCFLAGS", "-D warnings")
    .run()?;
    run::forget_earlier_packages();
    Step::cargo(
        "package the published crates",
        &[
            "package",
            "--workspace",
            "--exclude",
            "redis-script-examples",
            "--exclude",
            "xtask",
            "--allow-dirty",
            "--quiet",
        ],
    )
    .with_env("CARGO_TARGET_DIR", run::PACKAGE_TARGET)
    .run()?;
    check_license_texts_packaged(&root)?;
    println!();
    let mut total = TestCounts::default();
    let mut failed = Vec::new();
    for (server, (counts, outcome)) in &results {
        println!(
            "{server}: {} passed, {} failed{}",
            counts.passed,
            counts.failed,
            if outcome.is_err() {
                " (the step failed)"
            } else {
                ""
            }
        );
        total.add(*counts);
        if let Err(message) = outcome {
            failed.push(format!("{server}: {message}"));
        } else if counts.passed == 0 {
            failed.push(format!("{server}: no test ran"));
        }
    }
    if !failed.is_empty() {
        return Err(failed.join("; "));
    }
    println!("\nxtask test: all steps passed");
    println!("{} passed, {} failed", total.passed, total.failed);
    Ok(())
}
