//! `redis-script lsp` over stdio, as an editor drives it: the real binary, JSON-RPC
//! messages with their `Content-Length` headers, files in a temporary scripts folder.

#[path = "support/editor.rs"]
mod editor;

use std::io::Read;
use std::path::{Path, PathBuf};

use editor::{Editor, wait};
use serde_json::{Value, json};

/// A scripts folder of its own for `name`, with `files`.
fn folder(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("lsp-{name}"))
        .join("lua_scripts");
    let _ = std::fs::remove_dir_all(&root);
    for (path, text) in files {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    root
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.canonicalize().unwrap().display())
}

/// The labels of a completion answer.
fn labels_of(answer: &Value) -> Vec<String> {
    answer["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["label"].as_str().unwrap().to_owned())
        .collect()
}

const TYPO: &str = "--[[\n  Reads a value.\n  KEYS:\n    [1] key - the key to read\n  RETURNS: bulk\n--]]\nreturn redis.call('GETT', KEYS[1])\n";

#[test]
fn diagnostics_follow_the_edits_and_a_quick_fix_applies() {
    let root = folder("edits", &[("read.lua", TYPO)]);
    let file = uri(&root.join("read.lua"));
    let mut editor = Editor::start();
    editor.open(&file, TYPO);
    let found = editor.diagnostics(&file);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["code"], "unknown_command");
    assert_eq!(found[0]["severity"], 1);
    assert_eq!(
        found[0]["range"]["start"],
        json!({"line": 6, "character": 18})
    );
    assert!(
        found[0]["message"]
            .as_str()
            .unwrap()
            .contains("did you mean `GET`?")
    );

    let actions = editor.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": file}, "range": found[0]["range"], "context": {"diagnostics": found}}),
    );
    let actions = actions["result"].as_array().unwrap();
    let titles: Vec<&str> = actions
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        ["Replace with 'GET'", "Allow `unknown_command` on this line"]
    );
    let edit = &actions[0]["edit"]["changes"][&file][0];
    assert_eq!(edit["newText"], "'GET'");
    let fixed = TYPO.replace("'GETT'", "'GET'");
    editor.change(&file, 2, &fixed);
    assert_eq!(editor.diagnostics(&file), Vec::<Value>::new());

    // Back to the typo, allowed on its line as the second action does.
    let allowed = TYPO.replace(
        "KEYS[1])\n",
        "KEYS[1]) -- redis-script: allow(unknown_command)\n",
    );
    editor.change(&file, 3, &allowed);
    assert_eq!(editor.diagnostics(&file), Vec::<Value>::new());
    assert!(editor.shut_down().success());
}

#[test]
fn hover_completion_and_definition() {
    let script = "--[[\n  Counts a visit.\n  KEYS:\n    [1] counter - the visits of a page\n  ARGV:\n    [1] step: int - how many to add\n  RETURNS: int\n--]]\n--- @include \"helpers/bump\"\nlocal rcall = redis.call\nredis.log(redis.LOG_NOTICE, 'visit')\nreturn bump(KEYS[1], ARGV[1]) + rcall('INCRBY', KEYS[1], ARGV[1])\n";
    let helper = "local function bump(key, by)\n  return redis.call('INCRBY', key, by)\nend\n";
    let root = folder(
        "hover",
        &[("visits.lua", script), ("helpers/bump.lua", helper)],
    );
    let file = uri(&root.join("visits.lua"));
    let mut editor = Editor::start();
    editor.open(&file, script);
    assert_eq!(editor.diagnostics(&file), Vec::<Value>::new());

    let command = editor.at("textDocument/hover", &file, 11, 42);
    let text = command["result"]["contents"]["value"].as_str().unwrap();
    assert!(text.starts_with("**INCRBY**: "), "{text}");
    assert!(text.contains("INCRBY key increment"), "{text}");
    let key = editor.at("textDocument/hover", &file, 11, 14);
    let text = key["result"]["contents"]["value"].as_str().unwrap();
    assert!(
        text.contains("`counter`") && text.contains("the visits of a page"),
        "{text}"
    );
    let arg = editor.at("textDocument/hover", &file, 11, 24);
    assert!(
        arg["result"]["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("`int`")
    );
    let api = editor.at("textDocument/hover", &file, 10, 8);
    let text = api["result"]["contents"]["value"].as_str().unwrap();
    assert!(text.starts_with("**redis.log**"), "{text}");
    assert!(
        text.contains("On Redis 7.0.15, Redis 8.0.2, Valkey 8.1.1, Valkey 9.1.2."),
        "{text}"
    );
    assert_eq!(
        editor.at("textDocument/hover", &file, 9, 1)["result"],
        Value::Null
    );

    let typing = script.replace("return bump", "redis.call('INCRB')\nreturn bump");
    editor.change(&file, 2, &typing);
    let items = editor.at("textDocument/completion", &file, 11, 17);
    let labels = labels_of(&items);
    assert!(
        labels.iter().any(|l| l == "INCRBY") && labels.iter().any(|l| l == "INCRBYFLOAT"),
        "{labels:?}"
    );
    assert!(labels.iter().all(|l| l.starts_with("INCRB")), "{labels:?}");
    let indices = editor.at("textDocument/completion", &file, 12, 17);
    assert_eq!(indices["result"][0]["label"], "1");
    assert_eq!(indices["result"][0]["detail"], "counter");
    let header = editor.at("textDocument/completion", &file, 2, 2);
    let labels = labels_of(&header);
    assert!(
        labels.iter().any(|l| l == "RETURNS:") && labels.iter().any(|l| l == "int"),
        "{labels:?}"
    );

    let include = editor.at("textDocument/definition", &file, 8, 5);
    assert_eq!(
        include["result"]["uri"],
        uri(&root.join("helpers/bump.lua"))
    );
    let entry = editor.at("textDocument/definition", &file, 12, 14);
    assert_eq!(entry["result"]["uri"], file);
    assert_eq!(entry["result"]["range"]["start"]["line"], 3);
    assert!(editor.shut_down().success());
}

#[test]
fn an_included_file_and_its_includer_both_show_its_problem() {
    let script = "--[[\n  Bumps a counter.\n  KEYS:\n    [1] counter - the counter\n  RETURNS: int\n--]]\n--- @include \"helpers/bump\"\nreturn bump(KEYS[1])\n";
    let helper = "local function bump(key)\n  return redis.call('INCRR', key)\nend\n";
    let root = folder(
        "fragment",
        &[("bump_it.lua", script), ("helpers/bump.lua", helper)],
    );
    let file = uri(&root.join("bump_it.lua"));
    let fragment = uri(&root.join("helpers/bump.lua"));
    let mut editor = Editor::start();
    editor.open(&file, script);
    let found = editor.diagnostics(&file);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        found[0]["range"]["start"]["line"], 6,
        "on the @include line"
    );
    let message = found[0]["message"].as_str().unwrap();
    assert!(
        message.starts_with("helpers/bump.lua:2: `INCRR`"),
        "{message}"
    );
    let actions = editor.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": file}, "range": found[0]["range"], "context": {"diagnostics": found}}),
    );
    let titles: Vec<&str> = actions["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert!(
        !titles.iter().any(|t| t.starts_with("Allow")),
        "no comment after an include path: {titles:?}"
    );
    editor.open(&fragment, helper);
    let found = editor.diagnostics(&fragment);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        found[0]["range"]["start"],
        json!({"line": 1, "character": 20})
    );
    // Unsaved edits of the fragment count, in it and in its includer.
    editor.change(
        &fragment,
        2,
        "local function bump(key)\n  return redis.call('INCR', key\nend\n",
    );
    let found = editor.diagnostics(&fragment);
    assert!(found.iter().any(|d| d["code"] == "lua_syntax"), "{found:?}");
    let found = editor.diagnostics(&file);
    assert!(found.iter().any(|d| d["code"] == "lua_syntax"), "{found:?}");
    editor.change(&fragment, 3, &helper.replace("INCRR", "INCR"));
    assert_eq!(editor.diagnostics(&fragment), Vec::<Value>::new());
    assert_eq!(editor.diagnostics(&file), Vec::<Value>::new());
    assert!(editor.shut_down().success());
}

#[test]
fn a_library_lists_its_functions() {
    // An include above the functions: the analyzer's lines are those of the text sent.
    let library = "#!lua name=jobs\n--- @include \"helpers/pop\"\n--- Takes a job.\n--- KEYS[1] = queue\n--- RETURNS: string?\nlocal function take(keys)\n  return pop(keys[1])\nend\nredis.register_function('take', take)\n--- Counts the jobs.\n--- KEYS[1] = queue\n--- RETURNS: int\nredis.register_function('count', function(keys) return redis.call('LLEN', keys[1]) end)\n";
    let helper = "local function pop(key)\n  -- the oldest job first\n  local job = redis.call('LPOP', key)\n  return job\nend\n";
    let root = folder(
        "library",
        &[("jobs.lua", library), ("helpers/pop.lua", helper)],
    );
    let file = uri(&root.join("jobs.lua"));
    let mut editor = Editor::start();
    editor.open(&file, library);
    assert_eq!(editor.diagnostics(&file), Vec::<Value>::new());
    let symbols = editor.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": file}}),
    );
    let names: Vec<&str> = symbols["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["take", "count"]);
    let lines: Vec<&Value> = symbols["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| &s["range"]["start"]["line"])
        .collect();
    assert_eq!(lines, [&json!(8), &json!(12)], "the registration lines");
    let key = editor.at("textDocument/hover", &file, 6, 16);
    assert!(
        key["result"]["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("`queue`")
    );
    assert!(editor.shut_down().success());
}

#[test]
fn bad_input_gets_an_answer_never_a_crash() {
    let root = folder("bad", &[("noise.lua", "\u{0}\u{1}garbage ))) (((\n")]);
    let file = uri(&root.join("noise.lua"));
    let mut editor = Editor::start();
    // Not Lua: syntax errors, and the server goes on.
    editor.open(&file, "\u{0}\u{1}garbage ))) (((\n");
    let found = editor.diagnostics(&file);
    assert!(
        !found.is_empty() && found.iter().all(|d| d["code"].is_string()),
        "{found:?}"
    );
    // A header that does not parse.
    editor.change(
        &file,
        2,
        "--[[\n  KEYS:\n    [3] - b\n  RETURNS: [strng]\n]]\nreturn 1\n",
    );
    let found = editor.diagnostics(&file);
    assert!(
        found.iter().any(|d| d["code"] == "header_syntax"),
        "{found:?}"
    );
    // A file nobody opened, a method nobody knows, parameters that do not fit.
    let unknown = editor.at("textDocument/hover", "file:///nowhere/x.lua", 0, 0);
    assert_eq!(unknown["result"], Value::Null);
    let not_a_file = editor.at("textDocument/completion", "untitled:1", 0, 0);
    assert_eq!(not_a_file["result"], json!([]));
    let method = editor.request("textDocument/rename", json!({}));
    assert_eq!(method["error"]["code"], -32601);
    let wrong = editor.request("textDocument/hover", json!({"nonsense": true}));
    assert_eq!(wrong["error"]["code"], -32602);
    assert!(editor.shut_down().success());

    // A message that is not UTF-8 ends the session with a message, not a panic.
    let mut editor = Editor::start();
    editor.send_raw(b"{\"jsonrpc\": \"2.0\", \"method\": \"\xff\xfe\"}");
    let status = wait(&mut editor.child);
    let mut stderr = String::new();
    editor
        .child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(!status.success());
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.contains("error: lsp:"), "{stderr}");
}

#[test]
fn the_crate_sets_the_target_and_the_levels() {
    let script = "--[[\n  Reads a field and keeps it.\n  KEYS:\n    [1] hash - the hash\n  ARGV:\n    [1] field - the field\n  RETURNS: [string?]\n--]]\nreturn redis.call('HGETEX', KEYS[1], 'PERSIST', 'FIELDS', 1, ARGV[1])\n";
    let root = folder("crate", &[("keep.lua", script)]);
    let file = uri(&root.join("keep.lua"));
    let manifest = root.parent().unwrap().join("Cargo.toml");
    std::fs::write(
        &manifest,
        "[package]\nname = \"x\"\nversion = \"0.0.0\"\n\n[package.metadata.redis-script]\ntarget = \"redis-8.0\"\n",
    )
    .unwrap();
    let mut editor = Editor::start();
    editor.open(&file, script);
    assert_eq!(
        editor.diagnostics(&file),
        Vec::<Value>::new(),
        "HGETEX is in Redis 8.0"
    );
    let hover = editor.at("textDocument/hover", &file, 8, 21);
    let text = hover["result"]["contents"]["value"].as_str().unwrap();
    assert!(text.contains("On Redis 8.0"), "{text}");
    // Without the crate's target, the default (Redis 7.0) lacks it.
    std::fs::remove_file(&manifest).unwrap();
    editor.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": file}}),
    );
    let found = editor.diagnostics(&file);
    assert_eq!(found[0]["code"], "unknown_command", "{found:?}");
    assert!(editor.shut_down().success());
}

#[test]
fn the_crate_s_overlays_type_a_vendored_script() {
    let script = "--[[\n  Stores a job's options.\n    Input:\n      KEYS[1] job hash\n      ARGV[1] msgpacked opts\n]]\nlocal opts = cmsgpack.unpack(ARGV[1])\nreturn redis.call('HSET', KEYS[1], 'delay', opts['delay'] or 0)\n";
    let root = folder("overlays", &[("vendor/store.lua", script)]);
    let file = uri(&root.join("vendor/store.lua"));
    let crate_root = root.parent().unwrap();
    std::fs::write(
        crate_root.join("Cargo.toml"),
        "[package]\nname = \"x\"\nversion = \"0.0.0\"\n",
    )
    .unwrap();
    std::fs::create_dir_all(crate_root.join("src")).unwrap();
    let binding = |ty: &str| {
        format!(
            "#[redis_script::redis_script(\"vendor/store.lua\", argv(msgpacked_opts as opts: {ty}))]\npub struct Store;\n"
        )
    };
    std::fs::write(crate_root.join("src/lib.rs"), binding("json")).unwrap();
    let mut editor = Editor::start();
    editor.open(&file, script);
    let found = editor.diagnostics(&file);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["code"], "structured_codec", "{found:?}");
    assert!(
        found[0]["message"]
            .as_str()
            .unwrap()
            .contains("from the binding's overlay `argv(msgpacked_opts as opts: json)`"),
        "{found:?}"
    );
    // The binding is fixed; the next save reads it.
    std::fs::write(crate_root.join("src/lib.rs"), binding("msgpack")).unwrap();
    editor.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": file}}),
    );
    assert_eq!(editor.diagnostics(&file), Vec::<Value>::new());
    assert!(editor.shut_down().success());
}
