//! Project tasks, run as `cargo xtask <task>`:
//!
//! - `demo`: runs the rate limiter example against a throwaway Redis server.
//! - `test`: the whole suite: fmt check, clippy with warnings denied, every test (unit,
//!   integration against real Redis, UI, doc tests), rustdoc with warnings denied, and
//!   `cargo package` of the published crates.
//! - `bench`: the throughput table (typed call against hand-written `EVALSHA`,
//!   `redis::Script` and `redis-benchmark`), then the compile cost of bound scripts.
//! - `redis-tables`: regenerates the analyzer's Redis command table and Lua environment
//!   from the installed `redis-server`.
//!
//! All find `redis-server` on `PATH` (or in `REDIS_SERVER_BIN`), or install it.

mod compile_cost;
mod redis_server;
mod run;
mod tables;

use std::process::ExitCode;

use run::{Step, TestCounts};

fn main() -> ExitCode {
    let task = std::env::args().nth(1).unwrap_or_default();
    let outcome = match task.as_str() {
        "demo" => demo(),
        "test" => test(),
        "bench" => bench(),
        "redis-tables" => {
            redis_server::ensure().and_then(|()| tables::generate(&run::workspace_root()))
        }
        _ => {
            eprintln!(
                "usage: cargo xtask <demo|test|bench|redis-tables>\n\n  \
                 demo          run the rate limiter example against a throwaway Redis\n  \
                 test          fmt, clippy, every test, the docs and cargo package\n  \
                 bench         throughput, allocations and compile cost, against redis-rs\n  \
                 redis-tables  regenerate analyzer/src/redis/tables.rs from the installed redis-server"
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
    compile_cost::measure(&run::workspace_root())
}

fn test() -> Result<(), String> {
    redis_server::ensure()?;
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
    let counts: TestCounts = Step::cargo("every test", &["test", "--workspace", "--all-features"])
        .without_env("REDIS_URL")
        .run_counting_tests()?;
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
    if counts.passed == 0 {
        return Err("no test ran".to_owned());
    }
    println!("\nxtask test: all steps passed");
    println!("{} passed, {} failed", counts.passed, counts.failed);
    Ok(())
}
