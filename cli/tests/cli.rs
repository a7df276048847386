//! The `redis-script` binary, run as a user runs it, on the fixtures of `tests/fixtures/`
//! (`lua_scripts/`: clean scripts, an include and a library; `broken/`: a problem of each
//! kind) and against real servers and a real cluster.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use redis_script_testing::{RedisCluster, RedisServer};

/// The fixtures folder.
fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Runs the binary with `args` in the fixtures folder.
fn redis_script(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_redis-script"))
        .args(args)
        .current_dir(fixtures())
        .env_remove("REDIS_URL")
        .output()
        .expect("the binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn check_passes_a_clean_folder() {
    let output = redis_script(&["check", "lua_scripts"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "");
    // The included file is checked through the script that includes it.
    assert!(
        stderr(&output).contains("checked 3 files (1 library)"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn check_of_a_folder_without_scripts_is_a_usage_error() {
    let empty = std::env::temp_dir().join(format!("redis-script-empty-{}", std::process::id()));
    std::fs::create_dir_all(&empty).unwrap();
    let output = redis_script(&["check", empty.to_str().unwrap()]);
    std::fs::remove_dir_all(&empty).unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains(&format!("{} holds no .lua file", empty.display())),
        "{}",
        stderr(&output)
    );
}

#[test]
fn check_lists_every_problem_with_its_file_and_line() {
    let output = redis_script(&["check", "broken"]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    for expected in [
        "error: broken/typo.lua:3:19: `GETT` is not a Redis 7.0.15 command [unknown_command]\n  |\n3 | return redis.call('GETT', KEYS[1])\n  |                   ^^^^^^",
        "error: broken/undeclared.lua:3:38: KEYS[2] is read here, but the header declares only KEYS[1] [undeclared_parameter]",
        "error: broken/syntax.lua:3:36: Lua syntax error: expected expression after binary operator [lua_syntax]",
        "warning: broken/unread.lua:3:4: ARGV[1] (`unused_never_read`) is declared, but the script never reads it [unread_parameter]",
        "error: broken/loads_at_top.lua:2:12: Redis commands cannot be called while the library loads [load_time_sandbox]",
        "error: broken/no_header.lua:1:1: the script has no header comment declaring its KEYS, ARGV and RETURNS [missing_header]",
        // The folder as given, not the lua_scripts/ of a crate.
        "help: looked for broken/helpers/absent.lua, relative to broken/missing_include.lua",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    assert!(
        stderr(&output).contains(
            "checked 7 files (1 library), for each file's crate target: 6 errors, 1 warning"
        ),
        "{}",
        stderr(&output)
    );
    let quiet = redis_script(&["check", "--quiet", "broken"]);
    assert!(!stdout(&quiet).contains("warning:"));
}

#[test]
fn every_rule_but_syntax_can_be_allowed_and_explained() {
    // An error the user knows to be wrong does not block: allowed by name or by code.
    for allow in ["unknown_command", "RS0101"] {
        let allowed = redis_script(&["check", "--allow", allow, "broken/typo.lua"]);
        assert_eq!(allowed.status.code(), Some(0), "{}", stdout(&allowed));
        assert!(stdout(&allowed).is_empty(), "{}", stdout(&allowed));
    }
    let denied = redis_script(&["check", "--deny", "unread_parameter", "broken/unread.lua"]);
    assert_eq!(denied.status.code(), Some(1));
    assert!(stdout(&denied).starts_with("error: broken/unread.lua:3:4:"));
    let syntax = redis_script(&["check", "--allow", "lua_syntax", "broken/syntax.lua"]);
    assert_eq!(syntax.status.code(), Some(2));
    assert!(
        stderr(&syntax).contains("`lua_syntax` is a syntax rule and cannot be set"),
        "{}",
        stderr(&syntax)
    );

    let listed = redis_script(&["rules"]);
    let names: Vec<String> = stdout(&listed)
        .lines()
        .map(|line| line.split_whitespace().nth(1).unwrap().to_owned())
        .collect();
    assert_eq!(names.len(), redis_script_analyzer::RULES.len());
    for name in &names {
        let explained = redis_script(&["explain", name]);
        assert_eq!(explained.status.code(), Some(0), "{name}");
        let text = stdout(&explained);
        assert!(text.starts_with(&format!("{name} (RS")), "{text}");
        assert!(
            text.contains("\nWrong:\n") && text.contains("\nRight:\n"),
            "{text}"
        );
    }
    let unknown = redis_script(&["explain", "no_such_rule"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("`redis-script rules` lists them"));
}

#[test]
fn check_speaks_json_and_github() {
    let output = redis_script(&[
        "check",
        "--format",
        "json",
        "broken/typo.lua",
        "broken/unread.lua",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert_eq!(
        lines[0],
        r#"{"file":"broken/typo.lua","line":3,"column":19,"width":6,"severity":"error","rule":"unknown_command","code":"RS0101","message":"`GETT` is not a Redis 7.0.15 command","help":"did you mean `GET`?","notes":[],"source_line":"return redis.call('GETT', KEYS[1])","checked_file":"broken/typo.lua"}"#
    );
    assert!(lines[1].starts_with(r#"{"file":"broken/unread.lua","line":3,"column":4,"#));
    assert!(lines[1].contains(r#""severity":"warning""#));
    assert_eq!(
        lines[2],
        r#"{"summary":"check","target":"each file's crate target","files":2,"libraries":0,"errors":1,"warnings":1}"#
    );

    let output = redis_script(&[
        "check",
        "--format",
        "github",
        "--target",
        "redis-8.0",
        "broken/typo.lua",
    ]);
    assert_eq!(
        stdout(&output).trim_end(),
        "::error file=broken/typo.lua,line=3,col=19,title=redis-script unknown_command (RS0101)::`GETT` is not a Redis 8.0.2 command%0Ahelp: did you mean `GET`?"
    );
    let unknown = redis_script(&["check", "--target", "redis-6.2", "broken"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        stderr(&unknown).contains("Redis 7.0 to 8.0"),
        "{}",
        stderr(&unknown)
    );
}

#[test]
fn header_infers_one_and_writes_it_in() {
    let output = redis_script(&["header", "broken/no_header.lua"]);
    assert_eq!(output.status.code(), Some(0));
    let header = stdout(&output);
    assert!(
        header.contains("KEYS:\n        [1] key_1 - description"),
        "{header}"
    );
    assert!(
        header.contains("ARGV:\n        [1] arg_1 - description"),
        "{header}"
    );

    let folder = std::env::temp_dir().join(format!("redis-script-cli-{}", std::process::id()));
    std::fs::create_dir_all(&folder).unwrap();
    let copy = folder.join("no_header.lua");
    std::fs::copy(fixtures().join("broken/no_header.lua"), &copy).unwrap();
    let copy_text = copy.to_string_lossy().into_owned();
    let written = redis_script(&["header", "--write", &copy_text]);
    assert_eq!(written.status.code(), Some(0), "{}", stderr(&written));
    let text = std::fs::read_to_string(&copy).unwrap();
    assert!(
        text.starts_with("--[[\n    What the script does.\n"),
        "{text}"
    );
    assert!(text.ends_with("return redis.call('SET', KEYS[1], ARGV[1])\n"));
    // The check of the written file only asks for names and words now.
    let checked = redis_script(&["check", &copy_text]);
    assert_eq!(checked.status.code(), Some(0), "{}", stdout(&checked));
    let again = redis_script(&["header", "--write", &copy_text]);
    assert_eq!(again.status.code(), Some(1));
    std::fs::remove_dir_all(&folder).unwrap();
}

#[test]
fn expand_prints_the_text_sent_and_its_sha1() {
    let output = redis_script(&["expand", "--map", "lua_scripts/counter.lua"]);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(
        text.contains("local function log_value(key, value)"),
        "{text}"
    );
    assert!(!text.contains("@include"));
    let sha1 = sha1_of(&text);
    let info = stderr(&output);
    assert!(info.starts_with(&format!("sha1 {sha1} (")), "{info}");
    assert!(
        info.contains("lua_scripts/includes/log_value.lua:1-"),
        "{info}"
    );
    let missing = redis_script(&["expand", "broken/nothing.lua"]);
    assert_eq!(missing.status.code(), Some(2));
}

/// SHA1 of `text`, as the server computes it.
fn sha1_of(text: &str) -> String {
    let server = RedisServer::start();
    redis::cmd("SCRIPT")
        .arg("LOAD")
        .arg(text)
        .query(&mut server.connection())
        .unwrap()
}

#[test]
fn load_loads_scripts_and_libraries_and_lists_what_did_not() {
    let server = RedisServer::start();
    let url = server.url();
    let output = redis_script(&["load", "--url", &url, "lua_scripts"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert_eq!(text.lines().count(), 3, "{text}");
    assert!(text.contains("library stock"), "{text}");
    let mut con = server.connection();
    let libraries: Vec<redis::Value> = redis::cmd("FUNCTION").arg("LIST").query(&mut con).unwrap();
    assert_eq!(libraries.len(), 1);
    for line in text.lines().filter(|line| line.contains("script ")) {
        let sha1 = line.split_whitespace().next().unwrap();
        assert!(server.has_script(sha1), "{line}");
    }

    let output = redis_script(&["load", "--url", &url, "broken"]);
    assert_eq!(output.status.code(), Some(1));
    let errors = stderr(&output);
    assert!(errors.contains("not loaded:\n  broken/"), "{errors}");
    assert!(
        stdout(&output).contains("script unread.lua"),
        "a file with warnings only loads"
    );
}

#[test]
fn load_on_a_cluster_reaches_every_primary() {
    let cluster = RedisCluster::start();
    let url = cluster.urls()[0].clone();
    let output = redis_script(&["load", "--cluster", "--url", &url, "lua_scripts"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    // Two scripts on every node, the library once per primary.
    assert_eq!(text.matches("every node").count(), 2, "{text}");
    assert_eq!(text.matches("library stock").count(), 3, "{text}");
}

#[test]
fn run_checks_values_prints_the_reply_and_maps_errors() {
    let server = RedisServer::start();
    let url = server.url();
    let output = redis_script(&[
        "run",
        "--url",
        &url,
        "--log",
        "lua_scripts/counter.lua",
        "visits",
        "--",
        "5",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "5\n");
    assert!(
        stderr(&output).contains("counter visits is now 5"),
        "{}",
        stderr(&output)
    );

    let wrong_type = redis_script(&[
        "run",
        "--url",
        &url,
        "lua_scripts/counter.lua",
        "visits",
        "--",
        "five",
    ]);
    assert_eq!(wrong_type.status.code(), Some(2));
    assert!(
        stderr(&wrong_type).contains("ARGV[1] (`amount`) is declared `int`, but `five` is not one")
    );
    let missing = redis_script(&["run", "--url", &url, "lua_scripts/counter.lua", "visits"]);
    assert!(
        stderr(&missing)
            .contains("declares 1 argument (ARGV[1]), but 0 were given (arguments go after `--`)"),
        "{}",
        stderr(&missing)
    );
    let ran: i64 = redis::cmd("GET")
        .arg("visits")
        .query(&mut server.connection())
        .unwrap();
    assert_eq!(ran, 5, "the refused runs sent nothing");

    let failed = redis_script(&["run", "--url", &url, "lua_scripts/fail.lua", "visits"]);
    assert_eq!(failed.status.code(), Some(1));
    let message = stderr(&failed);
    assert!(
        message.starts_with("error: lua_scripts/fail.lua:6: Lua error: "),
        "{message}"
    );
    assert!(message.contains("6 | return missing + value"), "{message}");

    let library = redis_script(&["run", "--url", &url, "lua_scripts/stock.lua", "k"]);
    assert_eq!(library.status.code(), Some(2));
    assert!(stderr(&library).contains("FCALL"));
}

#[test]
fn ldb_starts_redis_cli_on_the_text_sent() {
    let output = redis_script(&[
        "ldb",
        "--print",
        "--url",
        "redis://127.0.0.1:7777",
        "lua_scripts/counter.lua",
        "visits",
        "--",
        "5",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let line = stdout(&output);
    assert!(
        line.starts_with("redis-cli -h 127.0.0.1 -p 7777 --ldb --eval "),
        "{line}"
    );
    // The script has an include: the debugger gets the expanded text, from a file.
    assert!(line.contains("redis-script-ldb/"), "{line}");
    assert!(line.trim_end().ends_with(".lua visits , 5"), "{line}");
}

#[test]
fn a_reader_that_went_away_is_not_a_crash() {
    // `redis-script check | head`: stdout is a pipe nobody reads any more.
    for args in [
        &["check", "broken"][..],
        &["rules"],
        &["explain", "unknown_command"],
    ] {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let output = Command::new(env!("CARGO_BIN_EXE_redis-script"))
            .args(args)
            .current_dir(fixtures())
            .stdout(writer)
            .stderr(std::process::Stdio::piped())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

/// A crate in a fresh folder whose `src/lib.rs` binds `lua_scripts/take.lua` with
/// `attribute_options` after the path.
fn crate_binding_take(name: &str, attribute_options: &str) -> PathBuf {
    let root = std::env::temp_dir().join(format!("redis-script-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("lua_scripts")).unwrap();
    std::fs::create_dir_all(root.join("src")).unwrap();
    std::fs::write(
        root.join("Cargo.toml"),
        "[package]\nname = \"app\"\nversion = \"0.0.0\"\n",
    )
    .unwrap();
    std::fs::write(
        root.join("lua_scripts/take.lua"),
        "--[[\n  Takes the next item.\n    Input:\n      KEYS[1] 'items'\n      ARGV[1] msgpacked opts\n    Output:\n      0, or the item and how many are left\n]]\nlocal opts = cmsgpack.unpack(ARGV[1])\nlocal item = redis.call('LPOP', KEYS[1])\nif not item then\n  return 0\nend\nreturn {item, redis.call('LLEN', KEYS[1]), opts['tag']}\n",
    )
    .unwrap();
    std::fs::write(
        root.join("src/lib.rs"),
        format!(
            "#[redis_script::redis_script(\n    \"take.lua\",\n    {attribute_options}\n)]\npub struct Take;\n"
        ),
    )
    .unwrap();
    root
}

#[test]
fn check_and_run_read_the_overlays_of_the_crate_s_bindings() {
    let wrong = crate_binding_take(
        "overlay-wrong",
        r#"argv(msgpacked_opts as opts: json), returns = "empty: int | item: (string, int, string)""#,
    );
    let output = redis_script(&["check", wrong.join("lua_scripts").to_str().unwrap()]);
    std::fs::remove_dir_all(&wrong).unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let shown = stdout(&output);
    assert!(
        shown.contains("ARGV[1] is declared `json`, but this decodes it with `cmsgpack.unpack` [structured_codec]"),
        "{shown}"
    );
    assert!(
        shown.contains("note: from the binding's overlay `argv(msgpacked_opts as opts: json)`"),
        "{shown}"
    );
    assert!(
        shown.contains("`allow = [\"structured_codec\"]` in the binding allows it"),
        "{shown}"
    );

    let right = crate_binding_take(
        "overlay-right",
        r#"argv(msgpacked_opts as opts: msgpack), returns = "empty: int | item: (string, int, string?)""#,
    );
    let scripts = right.join("lua_scripts");
    let output = redis_script(&["check", scripts.to_str().unwrap()]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );

    // `run` shows a union reply as the variant it is read as.
    let server = RedisServer::start();
    let url = server.url();
    let take = scripts.join("take.lua");
    let run = |list: &str| {
        redis_script(&[
            "run",
            "--url",
            &url,
            take.to_str().unwrap(),
            list,
            "--",
            "1",
        ])
    };
    let empty = run("nothing");
    assert_eq!(empty.status.code(), Some(0), "{}", stderr(&empty));
    assert_eq!(stdout(&empty), "Empty: 0\n");
    std::fs::remove_dir_all(&right).unwrap();
}

#[test]
fn coverage_adds_up_the_counts_of_a_recording_folder() {
    let folder = std::env::temp_dir().join(format!("redis-script-coverage-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).unwrap();
    // What a test process and two servers left: the lines that can run, and the counts.
    std::fs::write(
        folder.join("lines-1.txt"),
        "aaa 3 3 /app/lua_scripts/take.lua\naaa 4 4 /app/lua_scripts/take.lua\naaa 9 2 /app/lua_scripts/helpers.lua\nbbb 5 2 /app/lua_scripts/helpers.lua\nccc 1 1 /app/tests/other.lua\n",
    )
    .unwrap();
    std::fs::write(
        folder.join("counts-1-7000-0.log"),
        "1:M 04 Dec 2026 05:00:00.000 # redis-script-coverage aaa 3:2 9:1\n",
    )
    .unwrap();
    std::fs::write(
        folder.join("counts-1-7001-1.log"),
        "1:M 04 Dec 2026 05:00:00.000 # <lua> redis-script-coverage bbb 5:4\n",
    )
    .unwrap();
    let folder_text = folder.to_str().unwrap();
    let args = [
        "coverage",
        folder_text,
        "--only",
        "lua_scripts/",
        "--no-html",
    ];
    let output = redis_script(&args);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "file                          lines    hit  not run\n\
         /app/lua_scripts/helpers.lua      1   100%\n\
         /app/lua_scripts/take.lua         2    50%  4\n\
         total                             3    66%\n"
    );
    let lcov = std::fs::read_to_string(folder.join("lcov.info")).unwrap();
    assert!(
        lcov.contains("SF:/app/lua_scripts/helpers.lua\nDA:2,5\nLF:1\nLH:1\nend_of_record"),
        "{lcov}"
    );
    assert!(!lcov.contains("other.lua"), "{lcov}");
    let strict = redis_script(&[&args[..], &["--fail-under", "70"]].concat());
    assert_eq!(strict.status.code(), Some(1), "{}", stderr(&strict));
    assert!(stderr(&strict).contains("2 of 3 lines ran, under the 70% asked"));
    std::fs::remove_dir_all(&folder).unwrap();
    let empty = redis_script(&["coverage", "."]);
    assert_eq!(empty.status.code(), Some(2), "{}", stderr(&empty));
    assert!(
        stderr(&empty).contains("holds no coverage"),
        "{}",
        stderr(&empty)
    );
}
