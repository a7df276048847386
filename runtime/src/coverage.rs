//! Line coverage of scripts and libraries, from the tests, on real servers (feature
//! `coverage`).
//!
//! With the feature on, every binding also carries the text its script is sent as in
//! coverage mode: the same code, each line's first statement counted, the counts written
//! to the server's log with `redis.log` when the script returns (see the analyzer's
//! `instrument`). While recording, calls send that text instead of the file's: the same
//! commands, replies, errors and flags (`no-writes` scripts still run on replicas), under
//! another SHA1 ([`ScriptMeta::sent_sha1`]). Recording starts with the process when
//! `REDIS_SCRIPT_COVERAGE` names a folder, or with [`set_recording`].
//!
//! The servers of [`redis_script::testing`](crate::testing) copy the counts from their
//! logs into that folder when they stop; this process writes there which lines of which
//! files can run. [`Report::from_dir`] adds it all up, file by file (an included file's
//! lines count in the file itself, summed over every script that includes it), and writes
//! an lcov tracefile; `redis-script coverage <folder>` prints it and draws it with
//! `genhtml`.
//!
//! A line counts when a statement starts on it: comments, headers, `end`, `else` do not,
//! so 100% is reachable. A call that ends with a Lua runtime error writes nothing since
//! its last write (its start, or the last `redis.call`, `error` or `assert` outside a
//! loop), so those lines show only when another call runs them.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::meta::ScriptMeta;

/// The word the counts are logged under (`redis-script-coverage <sha1> <line>:<count> ...`).
pub const MARK: &str = "redis-script-coverage";

/// The environment variable naming the folder coverage is recorded in.
pub const FOLDER_VARIABLE: &str = "REDIS_SCRIPT_COVERAGE";

/// A bound script's coverage-mode text and the lines that can run; the generated code
/// registers one per binding.
#[derive(Debug)]
pub struct CoverageMap {
    /// SHA1 of the script as written (its `SHA1`).
    pub sha1: &'static str,
    /// The text sent in coverage mode.
    pub text: &'static str,
    /// SHA1 of `text`.
    pub text_sha1: &'static str,
    /// The lines that can run: `(line of the text, file, line of the file)`, the file an
    /// index into `files`.
    pub lines: &'static [(u32, u16, u32)],
    /// The files of the script: its own, then those it includes (absolute paths where
    /// known).
    pub files: &'static [&'static str],
}

inventory::collect!(CoverageMap);

/// The maps of this program, by the SHA1 of the script as written.
fn maps() -> &'static HashMap<&'static str, &'static CoverageMap> {
    static MAPS: OnceLock<HashMap<&'static str, &'static CoverageMap>> = OnceLock::new();
    MAPS.get_or_init(|| {
        inventory::iter::<CoverageMap>
            .into_iter()
            .map(|map| (map.sha1, map))
            .collect()
    })
}

/// Whether calls send the coverage-mode text.
fn recording() -> &'static AtomicBool {
    static RECORDING: OnceLock<AtomicBool> = OnceLock::new();
    RECORDING.get_or_init(|| AtomicBool::new(folder().is_some()))
}

/// The folder `REDIS_SCRIPT_COVERAGE` names, if it names one.
pub fn folder() -> Option<PathBuf> {
    std::env::var_os(FOLDER_VARIABLE)
        .filter(|value| !value.is_empty())
        .map(PathBuf::from)
}

/// Whether calls run the coverage-mode text of their scripts now.
pub fn is_recording() -> bool {
    recording().load(Ordering::Relaxed)
}

/// Starts (`true`) or stops recording: calls made after it send the coverage-mode text
/// (or the text as written). Scripts loaded on a server stay there under both SHA1s; a
/// library stays as it was loaded (its functions are called by name), so switch before
/// the first call on a server, as a test that starts its own servers does.
pub fn set_recording(on: bool) {
    recording().store(on, Ordering::Relaxed);
}

/// The coverage map `meta` is sent with while recording.
pub(crate) fn sent(meta: &ScriptMeta) -> Option<&'static CoverageMap> {
    if !is_recording() {
        return None;
    }
    let map = maps().get(meta.sha1()).copied()?;
    write_lines_once();
    Some(map)
}

/// Writes which lines of which files can run, for every script of this program, into
/// the recording folder (once per process).
fn write_lines_once() {
    static WRITTEN: OnceLock<()> = OnceLock::new();
    WRITTEN.get_or_init(|| {
        let Some(folder) = folder() else { return };
        let mut text = String::new();
        for map in maps().values() {
            for &(line, file, file_line) in map.lines {
                let path = map.files.get(usize::from(file)).copied().unwrap_or("?");
                let _ = writeln!(text, "{} {line} {file_line} {path}", map.sha1);
            }
        }
        let _ = std::fs::create_dir_all(&folder);
        let path = folder.join(format!("lines-{}.txt", std::process::id()));
        // Coverage is best effort: a folder that cannot be written loses the report, not
        // the test.
        let _ = std::fs::write(path, text);
    });
}

/// Line counts of the files of scripts, added up from servers' logs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// For each file, how many times each line that can run ran.
    files: BTreeMap<String, BTreeMap<u32, u64>>,
    /// Where each line of each script's text is: `(sha1, line)` to `(file, line)`.
    lines: HashMap<(String, u32), (String, u32)>,
}

impl Report {
    /// Every line that can run of every script bound in this program, none run yet.
    pub fn of_this_program() -> Self {
        let mut report = Self::default();
        for map in maps().values() {
            for &(line, file, file_line) in map.lines {
                let path = map.files.get(usize::from(file)).copied().unwrap_or("?");
                report.add_line(map.sha1, line, path, file_line);
            }
        }
        report
    }

    /// What a recording folder holds: the lines that can run written by each test
    /// process (`lines-*.txt`), and the counts the servers logged (`*.log`).
    ///
    /// # Errors
    ///
    /// When the folder cannot be read.
    pub fn from_dir(folder: &Path) -> std::io::Result<Self> {
        let mut report = Self::default();
        let mut logs = Vec::new();
        let mut entries: Vec<PathBuf> = std::fs::read_dir(folder)?
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for path in entries {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
            let Some(name) = name else { continue };
            if name.starts_with("lines-") && name.ends_with(".txt") {
                for line in std::fs::read_to_string(&path)?.lines() {
                    let mut words = line.splitn(4, ' ');
                    let (Some(sha1), Some(at), Some(file_line), Some(file)) =
                        (words.next(), words.next(), words.next(), words.next())
                    else {
                        continue;
                    };
                    if let (Ok(at), Ok(file_line)) = (at.parse(), file_line.parse()) {
                        report.add_line(sha1, at, file, file_line);
                    }
                }
            } else if name.ends_with(".log") {
                logs.push(path);
            }
        }
        for log in logs {
            report.add_log(&String::from_utf8_lossy(&std::fs::read(log)?));
        }
        Ok(report)
    }

    fn add_line(&mut self, sha1: &str, line: u32, file: &str, file_line: u32) {
        self.files
            .entry(file.to_owned())
            .or_default()
            .entry(file_line)
            .or_insert(0);
        self.lines
            .insert((sha1.to_owned(), line), (file.to_owned(), file_line));
    }

    /// Adds the counts of a server's log (the lines written under [`MARK`]); counts of
    /// scripts the report does not know are left out.
    pub fn add_log(&mut self, log: &str) {
        for entry in log.lines() {
            let Some((_, rest)) = entry.split_once(MARK) else {
                continue;
            };
            let mut words = rest.split_whitespace();
            let Some(sha1) = words.next() else { continue };
            for count in words {
                let Some((line, hits)) = count.split_once(':') else {
                    continue;
                };
                let (Ok(line), Ok(hits)) = (line.parse::<u32>(), hits.parse::<u64>()) else {
                    continue;
                };
                if let Some((file, file_line)) = self.lines.get(&(sha1.to_owned(), line)) {
                    *self
                        .files
                        .entry(file.clone())
                        .or_default()
                        .entry(*file_line)
                        .or_insert(0) += hits;
                }
            }
        }
    }

    /// How many times line `line` of the file whose path ends with `file` ran; `None`
    /// when no statement starts on it (or no such file was bound).
    pub fn hits(&self, file: &str, line: u32) -> Option<u64> {
        self.files
            .iter()
            .find(|(path, _)| path.ends_with(file))
            .and_then(|(_, lines)| lines.get(&line).copied())
    }

    /// The files and, for each, the count of each line that can run.
    pub fn files(&self) -> impl Iterator<Item = (&str, &BTreeMap<u32, u64>)> {
        self.files
            .iter()
            .map(|(path, lines)| (path.as_str(), lines))
    }

    /// Only the files whose path contains `part` (`"lua_scripts/"`).
    #[must_use]
    pub fn only(mut self, part: &str) -> Self {
        self.files.retain(|path, _| path.contains(part));
        self
    }

    /// The report as an lcov tracefile: a record per file (`SF:`), a `DA:line,count` per
    /// line that can run, `LF`/`LH` (lines found, lines hit).
    pub fn lcov(&self) -> String {
        let mut out = String::new();
        for (path, lines) in &self.files {
            let _ = writeln!(out, "TN:\nSF:{path}");
            for (line, hits) in lines {
                let _ = writeln!(out, "DA:{line},{hits}");
            }
            let hit = lines.values().filter(|hits| **hits > 0).count();
            let _ = writeln!(out, "LF:{}\nLH:{hit}\nend_of_record", lines.len());
        }
        out
    }

    /// A table of the files, the lines hit of the lines that can run, and the lines not
    /// run, with `root` taken off the front of the paths shown.
    pub fn summary(&self, root: &Path) -> String {
        let shown = |path: &str| -> String {
            Path::new(path)
                .strip_prefix(root)
                .map_or_else(|_| path.to_owned(), |rest| rest.display().to_string())
        };
        let width = self
            .files
            .keys()
            .map(|path| shown(path).len())
            .max()
            .unwrap_or(4)
            .max(4);
        let mut out = format!("{:width$}  lines    hit  not run\n", "file");
        let (mut found, mut hit) = (0, 0);
        for (path, lines) in &self.files {
            let file_hit = lines.values().filter(|hits| **hits > 0).count();
            let missed: Vec<u32> = lines
                .iter()
                .filter(|(_, hits)| **hits == 0)
                .map(|(line, _)| *line)
                .collect();
            found += lines.len();
            hit += file_hit;
            let row = format!(
                "{:width$}  {:>5}  {:>4}%  {}",
                shown(path),
                lines.len(),
                percent(file_hit, lines.len()),
                ranges(&missed)
            );
            let _ = writeln!(out, "{}", row.trim_end());
        }
        let _ = writeln!(
            out,
            "{:width$}  {found:>5}  {:>4}%",
            "total",
            percent(hit, found)
        );
        out
    }
}

/// `part` of `whole` in whole percent, rounded down (100 only when all are hit).
fn percent(part: usize, whole: usize) -> usize {
    (part * 100).checked_div(whole).unwrap_or(100)
}

/// `3-5, 9` for the lines 3, 4, 5, 9.
fn ranges(lines: &[u32]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut at = 0;
    while at < lines.len() {
        let start = lines[at];
        let mut end = start;
        while at + 1 < lines.len() && lines[at + 1] == end + 1 {
            at += 1;
            end = lines[at];
        }
        out.push(if start == end {
            start.to_string()
        } else {
            format!("{start}-{end}")
        });
        at += 1;
    }
    out.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> Report {
        let mut report = Report::default();
        report.add_line("aaa", 3, "/crate/lua_scripts/x.lua", 3);
        report.add_line("aaa", 4, "/crate/lua_scripts/x.lua", 4);
        report.add_line("aaa", 9, "/crate/lua_scripts/helpers.lua", 2);
        report.add_line("bbb", 20, "/crate/lua_scripts/helpers.lua", 2);
        report
    }

    #[test]
    fn sums_the_counts_of_every_script_by_file_and_line() {
        let mut report = report();
        report.add_log(
            "12:M 04 Dec 2026 05:00:00.000 # redis-script-coverage aaa 3:2 9:1\n\
             12:M 04 Dec 2026 05:00:00.000 # <lua> redis-script-coverage bbb 20:5 77:1\n\
             12:M 04 Dec 2026 05:00:00.000 * something else\n\
             12:M 04 Dec 2026 05:00:00.000 # redis-script-coverage ccc 3:9\n",
        );
        assert_eq!(report.hits("lua_scripts/x.lua", 3), Some(2));
        assert_eq!(report.hits("lua_scripts/x.lua", 4), Some(0));
        assert_eq!(report.hits("lua_scripts/helpers.lua", 2), Some(6));
        assert_eq!(report.hits("lua_scripts/x.lua", 5), None);
        assert_eq!(
            report.lcov(),
            "TN:\nSF:/crate/lua_scripts/helpers.lua\nDA:2,6\nLF:1\nLH:1\nend_of_record\n\
             TN:\nSF:/crate/lua_scripts/x.lua\nDA:3,2\nDA:4,0\nLF:2\nLH:1\nend_of_record\n"
        );
        assert_eq!(
            report.summary(Path::new("/crate")),
            "file                     lines    hit  not run\n\
             lua_scripts/helpers.lua      1   100%\n\
             lua_scripts/x.lua            2    50%  4\n\
             total                        3    66%\n"
        );
    }

    #[test]
    fn paths_are_shown_from_the_root_by_whole_folders() {
        let mut report = Report::default();
        report.add_line("aaa", 1, "/crate2/lua_scripts/x.lua", 1);
        assert!(
            report
                .summary(Path::new("/crate"))
                .contains("/crate2/lua_scripts/x.lua")
        );
    }

    #[test]
    fn ranges_of_lines_read_short() {
        assert_eq!(ranges(&[3, 4, 5, 9, 11, 12]), "3-5, 9, 11-12");
        assert_eq!(ranges(&[]), "");
    }
}
