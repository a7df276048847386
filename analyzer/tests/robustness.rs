//! The analyzer never panics, whatever the file holds: every script and function library
//! of the workspace, truncated at many points and mutated in many ways, goes through it.
//! And the files of `lua_scripts/` themselves pass every check.

use std::path::{Path, PathBuf};

fn lua_files(folder: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut folders = vec![folder.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "lua") {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Every script of the workspace: the bound ones and the UI fixtures, broken on purpose.
fn every_script() -> Vec<(PathBuf, String)> {
    let root = workspace();
    let folders = ["lua_scripts", "runtime/lua_scripts", "tests/ui/lua_scripts"];
    let files: Vec<PathBuf> = folders
        .iter()
        .flat_map(|f| lua_files(&root.join(f)))
        .collect();
    assert!(files.len() >= 15, "found only {} scripts", files.len());
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            (path, text)
        })
        .collect()
}

#[test]
fn the_bound_scripts_pass_every_check_without_warnings() {
    let root = workspace();
    for folder in ["lua_scripts", "runtime/lua_scripts"] {
        let scripts = root.join(folder);
        // Files in `includes/` folders are pulled into scripts, not bound on their own;
        // those of `targets/` need a newer server and are checked by their bindings.
        for path in lua_files(&scripts).into_iter().filter(|p| {
            !p.components()
                .any(|c| c.as_os_str() == "includes" || c.as_os_str() == "targets")
        }) {
            let source = std::fs::read_to_string(&path).unwrap();
            let relative = path.strip_prefix(&scripts).unwrap().to_string_lossy();
            let options = Default::default();
            let (diagnostics, sources) = if is_library(&source) {
                let analysis = redis_script_analyzer::check_library_file(
                    &scripts, &relative, &source, &options,
                );
                (analysis.diagnostics, analysis.sources)
            } else {
                let analysis =
                    redis_script_analyzer::check_file(&scripts, &relative, &source, &options);
                (analysis.diagnostics, analysis.sources)
            };
            assert!(
                diagnostics.is_empty(),
                "{}",
                sources.render_all(&diagnostics)
            );
        }
    }
}

/// Whether `source` is a function library rather than a script.
fn is_library(source: &str) -> bool {
    source.starts_with("#!lua name=")
}

/// Analyzes `text` as what `original` is: a script, or a function library.
fn analyze_like(original: &str, text: &str) {
    if is_library(original) {
        let _ = redis_script_analyzer::check_library("x.lua", text, &Default::default());
    } else {
        let _ = redis_script_analyzer::analyze("x.lua", text);
    }
}

#[test]
fn truncated_scripts_never_panic() {
    for (path, source) in every_script() {
        let cuts: Vec<usize> = source.char_indices().map(|(i, _)| i).step_by(3).collect();
        for cut in cuts {
            analyze_like(&source, &source[..cut]);
        }
        let _ = path;
    }
}

/// Characters that matter to Lua and to headers.
const NOISE: &[&str] = &[
    "[",
    "]",
    "[[",
    "]]",
    "--",
    "-",
    "=",
    "\n",
    "\"",
    "'",
    "#!",
    "(",
    ")",
    "{",
    "}",
    "...",
    ":",
    "KEYS[",
    "ARGV[0]",
    "\\",
    "é",
    "\t",
    "0",
    "99999999999999999999",
    "..",
    ";",
    "function",
    "end",
    "local",
    "return",
];

#[test]
fn mutated_scripts_never_panic() {
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move |bound: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        usize::try_from(state % bound.max(1) as u64).unwrap()
    };
    for (_, source) in every_script() {
        for _ in 0..300 {
            let mut text = source.clone();
            for _ in 0..1 + next(4) {
                let boundaries: Vec<usize> = text
                    .char_indices()
                    .map(|(i, _)| i)
                    .chain([text.len()])
                    .collect();
                let at = boundaries[next(boundaries.len())];
                match next(3) {
                    0 => text.insert_str(at, NOISE[next(NOISE.len())]),
                    1 => {
                        let end = boundaries.iter().copied().find(|&b| b > at).unwrap_or(at);
                        text.replace_range(at..end, "");
                    }
                    _ => {
                        let end = boundaries.iter().copied().find(|&b| b > at).unwrap_or(at);
                        text.replace_range(at..end, NOISE[next(NOISE.len())]);
                    }
                }
            }
            analyze_like(&source, &text);
        }
    }
}
