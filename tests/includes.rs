//! Scripts with `--- @include` lines on a real server: the expanded text is what is
//! hashed and sent, and run-time errors point at the file and line the user wrote.

use redis::Commands;
use redis_script::testing::RedisServer;
use redis_script::{ErrorKind, ScriptCall};
use redis_script_examples::AddJob;
use redis_script_examples::testing::IncludeFailure;

#[test]
fn a_script_with_includes_runs_expanded() {
    let server = RedisServer::start();
    let mut con = server.connection();
    let id: i64 = AddJob::call("jobs:wait", "jobs:id", "jobs:events", "jobs:", "mail", "{}")
        .invoke(&mut con)
        .unwrap();
    assert_eq!(id, 1);
    let name: String = con.hget("jobs:1", "name").unwrap();
    assert_eq!(name, "mail");
    let waiting: Vec<i64> = con.lrange("jobs:wait", 0, -1).unwrap();
    assert_eq!(waiting, [1]);
    let events: usize = redis::cmd("XLEN")
        .arg("jobs:events")
        .query(&mut con)
        .unwrap();
    assert_eq!(events, 1);

    // The text sent is the script with its includes in place of the @include lines.
    assert!(!AddJob::SOURCE.contains("--- @include"));
    assert!(AddJob::SOURCE.contains("local function store_job("));
    assert!(AddJob::SOURCE.contains("local function emit_event("));
    assert_eq!(
        AddJob::SHA1,
        sha1_smol::Sha1::from(AddJob::SOURCE).digest().to_string()
    );
    assert!(server.has_script(AddJob::META.sent_sha1()));
    let files: Vec<&str> = AddJob::META.source_map().files().collect();
    assert_eq!(
        files,
        [
            "lua_scripts/jobs/add_job.lua",
            "lua_scripts/jobs/includes/store_job.lua",
            "lua_scripts/jobs/includes/emit_event.lua",
        ]
    );
}

#[test]
fn a_lua_error_inside_an_included_file_points_at_its_line() {
    let server = RedisServer::start();
    let mut con = server.connection();
    assert_eq!(
        IncludeFailure::call("counter", "read")
            .invoke(&mut con)
            .unwrap(),
        0
    );

    let error = IncludeFailure::call("counter", "fail")
        .invoke(&mut con)
        .unwrap_err();
    assert!(matches!(error.kind(), ErrorKind::Lua { .. }), "{error:?}");
    let at = error.location().expect("a Lua error has a location");
    assert_eq!(
        (at.path(), at.line()),
        ("lua_scripts/testing/includes/checked_read.lua", 5)
    );
    let chain: Vec<String> = at.included_from().iter().map(ToString::to_string).collect();
    assert_eq!(chain, ["lua_scripts/testing/include_failure.lua:11"]);
    let shown = error.to_string();
    assert!(
        shown.starts_with("lua_scripts/testing/includes/checked_read.lua:5: Lua error: attempt to perform arithmetic"),
        "{shown}"
    );
    assert!(shown.contains("5 |         return value + nil"), "{shown}");
    assert!(
        shown.contains("= included from lua_scripts/testing/include_failure.lua:11"),
        "{shown}"
    );
}

#[test]
fn the_debugger_command_names_a_file_with_the_expanded_text() {
    let call: ScriptCall<i64> =
        AddJob::call("jobs:wait", "jobs:id", "jobs:events", "jobs:", "mail", "{}");
    let command = call.ldb_command();
    let file = command
        .strip_prefix("redis-cli --ldb --eval ")
        .and_then(|rest| rest.split(' ').next())
        .unwrap();
    assert!(
        file.ends_with(&format!("{}.lua", AddJob::SHA1)),
        "{command}"
    );
    assert_eq!(std::fs::read_to_string(file).unwrap(), AddJob::SOURCE);
    assert!(
        command.ends_with(" jobs:wait jobs:id jobs:events , jobs: mail '{}'"),
        "{command}"
    );
}
