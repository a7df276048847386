//! Debugging a script against real servers: errors with their code, the server log,
//! `BUSY` and `SCRIPT KILL`, concurrency and latency helpers, and the Lua debugger.

mod support;

use std::process::Command;
use std::thread;

use redis::Commands;
use redis_script::testing::{LogLevel, RedisServer, concurrently, latency_profile};
use redis_script::{ErrorKind, KillOutcome, kill_running_script};
use redis_script_examples::testing::{Slow, SlowWriter};
use redis_script_examples::{DebugPrint, RateLimiter, Transfer, TransferError};
use support::until_busy;

#[test]
fn debug_print_lines_reach_the_server_log() {
    let server = RedisServer::start();
    let mut con = server.connection();
    let mark = server.log_mark();
    let (value, steps) = DebugPrint::call("debug:counter").invoke(&mut con).unwrap();
    assert_eq!(value, 1);
    assert_eq!(
        steps,
        ["Got value: false", "Computed result: 1", "Set new value"]
    );
    let lines = server.log_since(mark);
    assert!(
        lines.iter().any(|l| l.level == LogLevel::Warning
            && l.message == "[DEBUG] Processing key: debug:counter with value: false "),
        "{lines:?}"
    );
    let mark = server.log_mark();
    DebugPrint::call("debug:counter").invoke(&mut con).unwrap();
    let lines = server.log_since(mark);
    assert_eq!(
        lines.len(),
        1,
        "only what the second call logged: {lines:?}"
    );
    assert!(lines[0].message.contains("with value: 1"));
}

#[test]
fn declared_error_codes_match_and_other_codes_are_kept() {
    let server = RedisServer::start();
    let mut con = server.connection();
    let error = Transfer::call("empty", "other", 5)
        .invoke(&mut con)
        .unwrap_err();
    assert_eq!(
        Transfer::error_of(&error),
        Some(TransferError::InsufficientBalance)
    );
    assert_eq!(error.code(), Some("INSUFFICIENT_BALANCE"));

    let () = con.rpush("a-list", "x").unwrap();
    let error = Transfer::call("a-list", "other", 5)
        .invoke(&mut con)
        .unwrap_err();
    assert_eq!(
        Transfer::error_of(&error),
        None,
        "WRONGTYPE is not a declared code"
    );
    assert_eq!(error.code(), Some("WRONGTYPE"));
    assert!(
        error
            .to_string()
            .starts_with("lua_scripts/transfer.lua:21: WRONGTYPE"),
        "{error}"
    );
}

#[test]
fn a_slow_script_makes_others_busy_until_script_kill_stops_it() {
    let server = RedisServer::start_with(&["--busy-reply-threshold", "100"]);
    let mut slow_con = server.connection();
    Slow::META.load(&mut slow_con).unwrap();
    let slow = thread::spawn(move || Slow::call("slow", 10_000).invoke(&mut slow_con));

    let mut con = server.connection();
    let busy = until_busy(&mut con);
    assert!(!busy.may_have_run());
    assert!(busy.to_string().contains("busy-reply-threshold"), "{busy}");
    assert_eq!(kill_running_script(&mut con).unwrap(), KillOutcome::Killed);

    let killed = slow.join().unwrap().unwrap_err();
    assert!(
        matches!(killed.kind(), ErrorKind::Killed { line: Some(_) }),
        "{killed:?}"
    );
    assert!(
        killed.to_string().contains("stopped by SCRIPT KILL"),
        "{killed}"
    );
    assert_eq!(
        RateLimiter::call("busy:probe", 1_000, 60)
            .invoke(&mut con)
            .unwrap(),
        1
    );
    assert_eq!(kill_running_script(&mut con).unwrap(), KillOutcome::NotBusy);
}

#[test]
fn a_slow_script_that_wrote_is_unkillable() {
    let server = RedisServer::start_with(&["--busy-reply-threshold", "100"]);
    let mut slow_con = server.connection();
    SlowWriter::META.load(&mut slow_con).unwrap();
    let slow = thread::spawn(move || SlowWriter::call("written", 1_500).invoke(&mut slow_con));

    let mut con = server.connection();
    until_busy(&mut con);
    assert_eq!(
        kill_running_script(&mut con).unwrap(),
        KillOutcome::Unkillable
    );
    assert_eq!(slow.join().unwrap().unwrap(), 1, "it ran to its end");
}

/// Invariant: 1,000 transfers between 10 accounts from 10 threads at once keep the total
/// exactly constant and no balance negative; each refused transfer is the declared error.
#[test]
fn concurrent_transfers_keep_the_total_constant() {
    let server = RedisServer::start();
    let mut con = server.connection();
    let accounts: Vec<String> = (0..10).map(|i| format!("balance:{i}")).collect();
    for account in &accounts {
        let () = con.set(account, 100).unwrap();
    }
    let outcomes = concurrently(
        10,
        1_000,
        || server.connection(),
        |con, run| {
            let from = &accounts[run % 10];
            let to = &accounts[(run * 7 + 3) % 10];
            let amount = i64::try_from(run % 37 + 1).unwrap();
            Transfer::call(from, to, amount).invoke(con)
        },
    );
    assert_eq!(outcomes.results.len() + outcomes.errors.len(), 1_000);
    assert!(outcomes.results.iter().all(|r| r == "OK"));
    for error in &outcomes.errors {
        assert_eq!(
            Transfer::error_of(error),
            Some(TransferError::InsufficientBalance),
            "{error}"
        );
    }
    let balances: Vec<i64> = con.mget(&accounts).unwrap();
    assert_eq!(balances.iter().sum::<i64>(), 1_000, "{balances:?}");
    assert!(balances.iter().all(|b| *b >= 0), "{balances:?}");
    println!(
        "{} transfers moved money, {} were refused",
        outcomes.results.len(),
        outcomes.errors.len()
    );
}

#[test]
fn a_latency_profile_orders_its_percentiles() {
    let server = RedisServer::start();
    let mut con = server.connection();
    let call = RateLimiter::call("profile", i64::MAX, 60);
    let profile = latency_profile(10, 200, || call.invoke(&mut con).map(drop)).unwrap();
    assert_eq!(profile.runs, 200);
    assert!(profile.min <= profile.p50);
    assert!(profile.p50 <= profile.p95 && profile.p95 <= profile.p99 && profile.p99 <= profile.max);
    assert!(profile.min <= profile.avg && profile.avg <= profile.max);
    assert!(
        profile.to_string().starts_with("200 runs: min "),
        "{profile}"
    );
}

#[test]
fn the_ldb_command_line_steps_through_the_script() {
    let call = RateLimiter::call("ratelimit:user 1", 5, 60);
    let command = call.ldb_command();
    assert_eq!(
        command,
        "redis-cli --ldb --eval lua_scripts/rate_limiter.lua 'ratelimit:user 1' , 5 60"
    );
    let server = RedisServer::start();
    let with_port = command.replacen("redis-cli", &format!("redis-cli -p {}", server.port()), 1);
    let output = Command::new("sh")
        .arg("-c")
        .arg(format!("printf 'c\\n' | {with_port}"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("Lua debugging session started"), "{text}");
    assert!(text.contains("Stopped at 8"), "{text}");
    assert!(text.contains("(integer) 1"), "{text}");
}
