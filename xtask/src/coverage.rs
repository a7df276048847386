//! `cargo xtask coverage`: the line coverage of `lua_scripts/` from the suite's tests and
//! examples, run in coverage mode (redis-script's `coverage` feature, which the examples
//! package's dev-dependency enables) against throwaway servers, added up by
//! `redis-script coverage`.

use std::path::Path;

use crate::install;
use crate::redis_server;
use crate::run::{self, Step};

/// The examples run too: some scripts (the vendored queue's) are bound only there.
const EXAMPLES: [&str; 7] = [
    "rate_limiter",
    "transfer_async",
    "jobs",
    "functions",
    "debug_print",
    "cluster",
    "vendored",
];

/// Records the coverage of the tests and examples into `target/coverage/`, prints it and
/// draws it with `genhtml`.
pub fn measure(root: &Path) -> Result<(), String> {
    redis_server::ensure()?;
    install::ensure(&install::LCOV)?;
    let folder = root.join("target").join("coverage");
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).map_err(|e| format!("{}: {e}", folder.display()))?;
    let mut args = vec!["test", "-p", "redis-script-examples"];
    args.extend(run::TESTS_BUT_UI);
    let (_, tests) = Step::cargo("the tests, in coverage mode", &args)
        .without_env("REDIS_URL")
        .with_env_path("REDIS_SCRIPT_COVERAGE", &folder)
        .run_counting_tests();
    for example in EXAMPLES {
        Step::cargo_owned(
            format!("the {example} example, in coverage mode"),
            &["run", "--quiet", "--all-features", "--example", example],
        )
        .without_env("REDIS_URL")
        .with_env_path("REDIS_SCRIPT_COVERAGE", &folder)
        .run()?;
    }
    let folder_text = folder.to_string_lossy();
    Step::cargo(
        "the coverage of lua_scripts/",
        &[
            "run",
            "--quiet",
            "-p",
            "redis-script-cli",
            "--",
            "coverage",
            &folder_text,
            "--only",
            "lua_scripts/",
        ],
    )
    .run()?;
    // The counts of the tests that passed are kept even when some failed: say so.
    tests.map_err(|message| format!("coverage recorded, but {message}"))
}
