//! The language server's speed and memory, as an editor meets them (release build):
//! the time from an edit of a 1,000-line script with includes to its diagnostics, and the
//! server's resident memory while every script of `lua_scripts/` is opened and closed 100
//! times. Run by `cargo xtask bench`.

#[path = "../tests/support/editor.rs"]
mod editor;

use std::path::Path;
use std::time::{Duration, Instant};

use editor::Editor;

/// Edits timed.
const EDITS: usize = 40;
/// Rounds of opening every script.
const ROUNDS: usize = 100;

fn main() {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("lsp-bench/lua_scripts");
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("helpers")).unwrap();
    let helper = |name: &str| {
        let mut text = String::new();
        for i in 0..25 {
            text.push_str(&format!(
                "local function {name}_{i}(key)\n  return redis.call('INCRBY', key, {i})\nend\n"
            ));
        }
        text
    };
    std::fs::write(root.join("helpers/counters.lua"), helper("count")).unwrap();
    std::fs::write(root.join("helpers/totals.lua"), helper("total")).unwrap();
    let mut script = String::from(
        "--[[\n  Updates many counters.\n  KEYS:\n    [1] counter - the counter\n  ARGV:\n    [1] step: int - how much\n  RETURNS: int\n--]]\n--- @include \"helpers/counters\"\n--- @include \"helpers/totals\"\nlocal total = 0\n",
    );
    let mut function = 0;
    while script.lines().count() < 990 {
        script.push_str(&format!(
            "local function step_{function}(key, by)\n  local value = redis.call('INCRBY', key, by)\n  if value > 100 then\n    redis.call('SET', key, 0)\n  end\n  return value\nend\ntotal = total + step_{function}(KEYS[1], tonumber(ARGV[1]))\n"
        ));
        function += 1;
    }
    script.push_str("return total + count_1(KEYS[1]) + total_2(KEYS[1])\n");
    let lines = script.lines().count();
    let path = root.join("many.lua");
    std::fs::write(&path, &script).unwrap();
    let uri = format!("file://{}", path.canonicalize().unwrap().display());

    let mut editor = Editor::start();
    editor.open(&uri, &script);
    let first = editor.diagnostics(&uri);
    assert!(
        first.is_empty(),
        "the benchmark's script is clean: {first:?}"
    );
    let mut times = Vec::new();
    for edit in 0..EDITS {
        // Every other edit breaks a command name, the next one fixes it.
        let text = if edit % 2 == 0 {
            script.replacen("'SET', key, 0", "'SETT', key, 0", 1)
        } else {
            script.clone()
        };
        let started = Instant::now();
        editor.change(&uri, edit as i64 + 2, &text);
        let found = editor.diagnostics(&uri);
        times.push(started.elapsed());
        assert_eq!(found.len(), usize::from(edit % 2 == 0), "{found:?}");
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "lsp: diagnostics of a {lines}-line script with 2 includes after an edit: median {:.1} ms, p90 {:.1} ms, max {:.1} ms over {EDITS} edits (release build)",
        ms(times[EDITS / 2]),
        ms(times[EDITS * 9 / 10]),
        ms(times[EDITS - 1])
    );

    let scripts = Path::new(env!("CARGO_MANIFEST_DIR")).join("../lua_scripts");
    let mut files = Vec::new();
    collect(&scripts, &mut files);
    files.sort();
    let mut rss = Vec::new();
    for round in 1..=ROUNDS {
        for file in &files {
            let text = std::fs::read_to_string(file).unwrap();
            let uri = format!("file://{}", file.canonicalize().unwrap().display());
            editor.open(&uri, &text);
            editor.diagnostics(&uri);
            editor.close(&uri);
            editor.diagnostics(&uri);
        }
        if matches!(round, 1 | 10 | ROUNDS) {
            rss.push((round, resident_kib(editor.child.id())));
        }
    }
    let (first_round, first) = rss[0];
    let (last_round, last) = rss[rss.len() - 1];
    println!(
        "lsp: resident memory after opening the {} scripts of lua_scripts/ {}: {}; last/first {:.2}",
        files.len(),
        if first_round == 1 {
            "1, 10 and 100 times"
        } else {
            ""
        },
        rss.iter()
            .map(|(round, kib)| format!("round {round} {:.1} MiB", *kib as f64 / 1024.0))
            .collect::<Vec<_>>()
            .join(", "),
        last as f64 / first as f64
    );
    let _ = last_round;
    assert!(editor.shut_down().success());
}

fn collect(folder: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(folder).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "lua") {
            out.push(path);
        }
    }
}

/// `VmRSS` of process `pid`, in KiB.
fn resident_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}
