//! Line coverage (redis-script's `coverage` feature): scripts run in coverage mode write
//! their line counts to the server's log; a server stopping keeps them in the folder
//! `REDIS_SCRIPT_COVERAGE` names, for `redis-script coverage` to add up.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

/// The word the counts are logged under (redis-script's `coverage::MARK`).
pub(crate) const MARK: &str = "redis-script-coverage";

/// The environment variable naming the folder coverage is recorded in.
const FOLDER_VARIABLE: &str = "REDIS_SCRIPT_COVERAGE";

/// Copies the line counts of the log in `dir` (of the server on `port`) into the
/// recording folder, when one is named. Best effort: a folder that cannot be written
/// loses the counts, never the test.
pub(crate) fn keep_counts(dir: &Path, port: u16) {
    static KEPT: AtomicU64 = AtomicU64::new(0);
    let Some(folder) = std::env::var_os(FOLDER_VARIABLE).filter(|v| !v.is_empty()) else {
        return;
    };
    let Ok(log) = std::fs::read(dir.join("redis.log")) else {
        return;
    };
    let counts: String = String::from_utf8_lossy(&log)
        .lines()
        .filter(|line| line.contains(MARK))
        .flat_map(|line| [line, "\n"])
        .collect();
    if counts.is_empty() {
        return;
    }
    let folder = Path::new(&folder);
    let _ = std::fs::create_dir_all(folder);
    let name = format!(
        "counts-{}-{port}-{}.log",
        std::process::id(),
        KEPT.fetch_add(1, Ordering::Relaxed)
    );
    let _ = std::fs::write(folder.join(name), counts);
}
