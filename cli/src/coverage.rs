//! `coverage`: adds up the line counts tests recorded in coverage mode (redis-script's
//! `coverage` feature, `REDIS_SCRIPT_COVERAGE=<folder>`): a summary per file on stdout, an
//! lcov tracefile, and an HTML report drawn by `genhtml` (Debian's `lcov`) where it is
//! installed.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use redis_script::coverage::Report;

/// What `coverage` is asked.
#[derive(Debug, clap::Args)]
pub struct Asked {
    /// The folder the tests recorded into.
    pub folder: PathBuf,
    /// Only the files whose path contains this, e.g. `lua_scripts/`.
    #[arg(long, value_name = "PART")]
    pub only: Option<String>,
    /// Where to write the lcov tracefile [default: <FOLDER>/lcov.info].
    #[arg(long, value_name = "FILE")]
    pub lcov: Option<PathBuf>,
    /// Where genhtml draws the HTML report [default: <FOLDER>/html].
    #[arg(long, value_name = "FOLDER")]
    pub html: Option<PathBuf>,
    /// Write no HTML report.
    #[arg(long)]
    pub no_html: bool,
    /// Exit with 1 when less than this percent of the lines ran.
    #[arg(long, value_name = "PERCENT")]
    pub fail_under: Option<usize>,
}

/// Prints the summary, writes the tracefile and the HTML report.
pub fn run(asked: &Asked) -> Result<ExitCode, String> {
    let report = Report::from_dir(&asked.folder)
        .map_err(|e| format!("cannot read {}: {e}", asked.folder.display()))?;
    let report = match &asked.only {
        Some(part) => report.only(part),
        None => report,
    };
    if report.files().next().is_none() {
        return Err(format!(
            "{} holds no coverage: run the tests with redis-script's `coverage` feature and {}={} (servers started by redis_script::testing keep the counts when they stop)",
            asked.folder.display(),
            redis_script::coverage::FOLDER_VARIABLE,
            asked.folder.display()
        ));
    }
    let here = std::env::current_dir().unwrap_or_default();
    out!("{}", report.summary(&here).trim_end());
    let lcov = asked
        .lcov
        .clone()
        .unwrap_or_else(|| asked.folder.join("lcov.info"));
    std::fs::write(&lcov, report.lcov())
        .map_err(|e| format!("cannot write {}: {e}", lcov.display()))?;
    eprintln!("lcov tracefile: {}", lcov.display());
    if !asked.no_html {
        let html = asked
            .html
            .clone()
            .unwrap_or_else(|| asked.folder.join("html"));
        draw(&lcov, &html);
    }
    let (found, hit) = report.files().fold((0, 0), |(found, hit), (_, lines)| {
        let run = lines.values().filter(|hits| **hits > 0).count();
        (found + lines.len(), hit + run)
    });
    match asked.fail_under {
        Some(least) if hit * 100 < least * found => {
            eprintln!("error: {hit} of {found} lines ran, under the {least}% asked");
            Ok(ExitCode::from(1))
        }
        _ => Ok(ExitCode::SUCCESS),
    }
}

/// Draws the HTML report of `lcov` into `html` with `genhtml`, or says how to get it.
fn draw(lcov: &Path, html: &Path) {
    let drawn = Command::new("genhtml")
        .arg("--quiet")
        .arg("--output-directory")
        .arg(html)
        .arg(lcov)
        .status();
    match drawn {
        Ok(status) if status.success() => {
            eprintln!("HTML report: {}", html.join("index.html").display());
        }
        Ok(status) => eprintln!("genhtml failed ({status}): no HTML report"),
        Err(_) => eprintln!(
            "no HTML report: genhtml is not installed (Debian/Ubuntu: `apt-get install -y lcov`)"
        ),
    }
}
