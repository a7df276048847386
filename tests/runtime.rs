//! The runtime against real servers: EVALSHA with NOSCRIPT recovery (sync and async), the
//! compile-time SHA1, how calls are encoded, and every kind of error.

mod support;

use redis::Commands;
use redis_script::testing::RedisServer;
use redis_script::{Error, ErrorKind, Script};
use redis_script_examples::testing::{
    EchoKeys, Failures, Forward, ForwardFlagged, ReadValue, Replies, TouchMany,
};
use redis_script_examples::{RateLimiter, TokenBucket, Transfer};

/// Runs failures.lua in `mode` on a fresh server, where its key holds a string.
fn failure(mode: &str) -> redis_script::Error {
    let server = RedisServer::start();
    let mut con = server.connection();
    let () = con.set("a-string", "x").unwrap();
    Failures::call("a-string", mode)
        .invoke(&mut con)
        .unwrap_err()
}

fn flush_scripts(con: &mut redis::Connection) {
    let () = redis::cmd("SCRIPT").arg("FLUSH").query(con).unwrap();
}

#[test]
fn sha1_is_the_sha1_of_the_file_bytes() {
    for (path, sha1, source) in [
        (RateLimiter::PATH, RateLimiter::SHA1, RateLimiter::SOURCE),
        (Transfer::PATH, Transfer::SHA1, Transfer::SOURCE),
        (TokenBucket::PATH, TokenBucket::SHA1, TokenBucket::SOURCE),
    ] {
        let file =
            std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/").to_owned() + path).unwrap();
        assert_eq!(
            source.as_bytes(),
            file,
            "{path}: SOURCE is the file unchanged"
        );
        assert_eq!(
            sha1,
            sha1_smol::Sha1::from(&file).digest().to_string(),
            "{path}"
        );
        assert_eq!(sha1.len(), 40);
        assert!(
            sha1.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        );
    }
    assert_eq!(RateLimiter::PATH, "lua_scripts/rate_limiter.lua");
    assert_eq!(
        TokenBucket::PATH,
        "lua_scripts/rate_limiting/token_bucket.lua"
    );
    assert_eq!(<RateLimiter as Script>::META.name(), "RateLimiter");
}

#[test]
fn the_server_computes_the_same_sha1() {
    let server = RedisServer::start();
    let mut con = server.connection();
    let sha1: String = redis::cmd("SCRIPT")
        .arg("LOAD")
        .arg(RateLimiter::SOURCE)
        .query(&mut con)
        .unwrap();
    assert_eq!(sha1, RateLimiter::SHA1);
}

#[test]
fn noscript_reloads_and_retries_once_sync() {
    let server = RedisServer::start();
    let mut con = server.connection();
    assert!(
        !server.has_script(RateLimiter::META.sent_sha1()),
        "a fresh server has no scripts"
    );

    let call = RateLimiter::call("ratelimit:flush", 10, 60);
    assert_eq!(call.invoke(&mut con).unwrap(), 1);
    assert!(
        server.has_script(RateLimiter::META.sent_sha1()),
        "the call loaded the script"
    );

    flush_scripts(&mut con);
    assert_eq!(call.invoke(&mut con).unwrap(), 1);
    let count: i64 = con.get("ratelimit:flush").unwrap();
    assert_eq!(count, 2, "each invocation ran exactly once");
}

#[tokio::test]
async fn noscript_reloads_and_retries_once_async() {
    let server = RedisServer::start();
    let mut con = server.async_connection().await;
    let call = RateLimiter::call("ratelimit:flush", 10, 60);
    assert_eq!(call.invoke_async(&mut con).await.unwrap(), 1);

    let () = redis::cmd("SCRIPT")
        .arg("FLUSH")
        .query_async(&mut con)
        .await
        .unwrap();
    assert_eq!(call.invoke_async(&mut con).await.unwrap(), 1);
    let count: i64 = redis::cmd("GET")
        .arg("ratelimit:flush")
        .query_async(&mut con)
        .await
        .unwrap();
    assert_eq!(count, 2, "each invocation ran exactly once");
}

#[tokio::test]
async fn connection_manager_runs_scripts() {
    let server = RedisServer::start();
    let mut manager = redis::aio::ConnectionManager::new(server.client())
        .await
        .unwrap();
    let result = Transfer::call("a", "b", 0)
        .invoke_async(&mut manager)
        .await
        .unwrap();
    assert_eq!(result, "OK");
}

#[test]
fn load_puts_the_script_in_the_cache() {
    let server = RedisServer::start();
    let mut con = server.connection();
    RateLimiter::META.load(&mut con).unwrap();
    assert!(server.has_script(RateLimiter::META.sent_sha1()));
}

#[tokio::test]
async fn load_async_puts_the_script_in_the_cache() {
    let server = RedisServer::start();
    let mut con = server.async_connection().await;
    Transfer::META.load_async(&mut con).await.unwrap();
    assert!(server.has_script(Transfer::META.sent_sha1()));
}

#[test]
fn keys_and_arguments_are_sent_in_header_order_with_their_types() {
    let server = RedisServer::start();
    let mut con = server.connection();
    let more = ["k2", "k3"];
    let sent = EchoKeys::call(
        "k1",
        &more,
        -7,
        0.5,
        true,
        String::from("text"),
        vec![0_u8, 255],
    )
    .invoke(&mut con)
    .unwrap();
    let expected: [&[u8]; 8] = [b"k1", b"k2", b"k3", b"-7", b"0.5", b"1", b"text", &[0, 255]];
    assert_eq!(sent, expected);

    let none: [&str; 0] = [];
    let sent = EchoKeys::call(b"only".as_slice(), &none, 0, 1e-3, false, "", b"")
        .invoke(&mut con)
        .unwrap();
    let expected: [&[u8]; 6] = [b"only", b"0", b"0.001", b"0", b"", b""];
    assert_eq!(sent, expected);
}

#[test]
fn a_lua_runtime_error_points_at_the_script_line() {
    let error = failure("nil_arithmetic");
    let ErrorKind::Lua { message, line } = error.kind() else {
        panic!("expected a Lua error, got {error:?}");
    };
    assert!(message.contains("arithmetic on a nil value"), "{message}");
    assert_eq!(*line, Some(15));
    let shown = error.to_string();
    assert!(
        shown.starts_with("lua_scripts/testing/failures.lua:15: Lua error: "),
        "{shown}"
    );
    assert!(
        shown.contains("15 |     return tonumber(missing) + 1"),
        "{shown}"
    );
    assert!(
        shown.contains(&format!("in script Failures (sha1 {})", Failures::SHA1)),
        "{shown}"
    );
    assert!(error.may_have_run());
}

/// The code, message and line of a raised error; fails the test for any other kind.
fn raised(error: &Error) -> (&str, &str, Option<usize>) {
    match error.kind() {
        ErrorKind::Raised {
            code,
            message,
            line,
        } => (code.as_str(), message.as_str(), *line),
        _ => panic!("expected a raised error, got {error:?}"),
    }
}

#[test]
fn a_failed_redis_call_keeps_its_code_and_line() {
    let error = failure("wrong_type");
    let (code, message, line) = raised(&error);
    assert_eq!(code, "WRONGTYPE");
    assert!(
        message.starts_with("Operation against a key holding the wrong kind"),
        "{message}"
    );
    assert_eq!(line, Some(17));
    assert!(
        error
            .to_string()
            .contains("17 |     return redis.call('LPUSH', KEYS[1], 'item')"),
        "{error}"
    );
}

#[test]
fn an_error_table_raised_with_error_keeps_its_code() {
    let error = failure("raise");
    let (code, message, line) = raised(&error);
    assert_eq!((code, message), ("CUSTOM_FAILURE", "raised on purpose"));
    assert_eq!(line, Some(19));
}

#[test]
fn an_error_reply_gives_code_and_message() {
    let error = failure("error_reply");
    let ErrorKind::ErrorReply { code, message } = error.kind() else {
        panic!("expected an error reply, got {error:?}");
    };
    assert_eq!(code.as_deref(), Some("INSUFFICIENT_FUNDS"));
    assert_eq!(message, "need 30 more");
    assert_eq!(
        error.to_string(),
        "script Failures (lua_scripts/testing/failures.lua) returned error INSUFFICIENT_FUNDS: need 30 more"
    );
}

#[test]
fn a_script_that_succeeds_returns_its_typed_reply() {
    let server = RedisServer::start();
    let mut con = server.connection();
    assert_eq!(Failures::call("k", "ok").invoke(&mut con).unwrap(), 1);
}

#[test]
fn a_reply_of_another_shape_names_script_declaration_and_reply() {
    let server = RedisServer::start();
    let mut con = server.connection();
    assert_eq!(Replies::call("int").invoke(&mut con).unwrap(), 42);
    for (kind, shown) in [
        ("string", "\"forty-two\""),
        ("nil", "nil"),
        ("table", "[1, \"two\"]"),
    ] {
        let error = Replies::call(kind).invoke(&mut con).unwrap_err();
        let ErrorKind::Reply {
            expected, reply, ..
        } = error.kind()
        else {
            panic!("expected a reply error, got {error:?}");
        };
        assert_eq!((*expected, reply.as_str()), ("int", shown));
        assert_eq!(
            error.to_string(),
            format!(
                "script Replies (lua_scripts/testing/replies.lua) returned {shown}, which does not match RETURNS: int"
            )
        );
    }
}

#[test]
fn a_free_text_reply_that_does_not_convert_shows_the_reply() {
    let server = RedisServer::start();
    let mut con = server.connection();
    let error = TokenBucket::call::<Vec<String>>("k", 1, 1, 1)
        .invoke(&mut con)
        .unwrap_err();
    let ErrorKind::Reply {
        expected,
        reply,
        detail,
    } = error.kind()
    else {
        panic!("expected a reply error, got {error:?}");
    };
    assert_eq!(*expected, "1 if allowed, 0 if rate limited");
    assert_eq!(reply, "1");
    assert!(detail.is_some());
}

#[test]
fn a_refused_call_is_a_redis_error() {
    let server = RedisServer::start();
    let mut con = server.connection();
    let () = redis::cmd("ACL")
        .arg(&["SETUSER", "limited", "on", "nopass", "+@all", "-evalsha"])
        .query(&mut con)
        .unwrap();
    let () = redis::cmd("AUTH")
        .arg("limited")
        .arg("any")
        .query(&mut con)
        .unwrap();
    let error = RateLimiter::call("k", 1, 1).invoke(&mut con).unwrap_err();
    let ErrorKind::Redis(inner) = error.kind() else {
        panic!("expected a Redis error, got {error:?}");
    };
    assert_eq!(inner.code(), Some("NOPERM"));
    assert!(!error.may_have_run());
    assert!(
        error
            .to_string()
            .starts_with("script RateLimiter (lua_scripts/rate_limiter.lua): "),
        "{error}"
    );
}

/// Past maxmemory Redis queues nothing in MULTI, so a call that met NOSCRIPT loads its
/// script and runs once more one step after the other: a writing script runs up to its
/// first write, refused at its line, and a read-only one runs.
#[test]
fn a_write_refused_inside_the_script_points_at_its_line() {
    let server = RedisServer::start_with(&["--maxmemory", "1"]);
    let mut con = server.connection();
    let error = RateLimiter::call("k", 1, 1).invoke(&mut con).unwrap_err();
    let (code, _, line) = raised(&error);
    assert_eq!((code, line), ("OOM", Some(12)));
    let value: Option<String> = ReadValue::call("absent").invoke(&mut con).unwrap();
    assert_eq!(value, None);
}

#[test]
fn a_dropped_server_is_a_connection_error() {
    let server = RedisServer::start();
    let mut con = server.connection();
    RateLimiter::call("k", 1, 1).invoke(&mut con).unwrap();
    drop(server);
    let error = RateLimiter::call("k", 1, 1).invoke(&mut con).unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::Connection(_)),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("may or may not have run"),
        "{error}"
    );
}

/// The counter `forward.lua` and `forward_flagged.lua` count their calls in.
fn counted(con: &mut redis::Connection) -> Option<i64> {
    con.get("forward:count").unwrap()
}

/// A script that writes, then returns what `redis.pcall` gave it, hands back Redis's own
/// words without the script suffix: the call ran, and says it may have.
#[test]
fn an_error_a_script_forwards_after_writing_may_have_run() {
    let server = RedisServer::start();
    let mut con = server.connection();
    let error = Forward::call("forward:count", "forward:target", "not-a-number")
        .invoke(&mut con)
        .unwrap_err();
    assert!(error.may_have_run(), "{error:?}");
    assert!(
        matches!(error.kind(), ErrorKind::ErrorReply { code: Some(code), .. } if code == "ERR"),
        "{error:?}"
    );
    assert!(error.to_string().contains("may have run"), "{error}");
    assert_eq!(counted(&mut con), Some(1), "it wrote before the error");

    // An ACL that refuses INCRBY inside the script: forwarded too (Redis words it
    // `ERR ... in script`), and the script wrote first.
    let mut limited = support::connection_as(&server, "forwarder", &["-incrby"]);
    let error = Forward::call("forward:count", "forward:target", 1)
        .invoke(&mut limited)
        .unwrap_err();
    assert!(error.may_have_run(), "{error:?}");
    assert_eq!(counted(&mut con), Some(2));
}

/// Refusals Redis makes before a script starts, in words no script can forward: the
/// call did not run.
#[test]
fn refusals_before_the_script_starts_did_not_run() {
    let server = RedisServer::start();
    let mut con = server.connection();
    Forward::META.load(&mut con).unwrap();
    ForwardFlagged::META.load(&mut con).unwrap();
    // An ACL without EVALSHA.
    let mut limited = support::connection_as(&server, "noeval", &["-evalsha"]);
    let error = Forward::call("forward:count", "forward:target", 1)
        .invoke(&mut limited)
        .unwrap_err();
    assert!(!error.may_have_run(), "{error:?}");
    assert!(
        matches!(error.kind(), ErrorKind::Redis(cause) if cause.code() == Some("NOPERM")),
        "{error:?}"
    );
    // Past maxmemory, a script with flags is refused before it starts; one without runs
    // until its first write, which raises the refusal at its line.
    let () = redis::cmd("CONFIG")
        .arg("SET")
        .arg("maxmemory")
        .arg(1)
        .query(&mut con)
        .unwrap();
    let error = ForwardFlagged::call("forward:count", "forward:flagged", "v")
        .invoke(&mut con)
        .unwrap_err();
    assert!(!error.may_have_run(), "{error:?}");
    let error = Forward::call("forward:count", "forward:target", 1)
        .invoke(&mut con)
        .unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::Raised { code, .. } if code == "OOM"),
        "{error:?}"
    );
    assert!(error.may_have_run());
    let () = redis::cmd("CONFIG")
        .arg("SET")
        .arg("maxmemory")
        .arg(0)
        .query(&mut con)
        .unwrap();
    assert_eq!(counted(&mut con), None, "none of them wrote");

    // On a replica, a script with flags that writes is refused before it starts.
    let replica = RedisServer::start_replica_of(&server);
    let mut on_replica = replica.connection();
    let error = ForwardFlagged::call("forward:count", "forward:flagged", "v")
        .invoke(&mut on_replica)
        .unwrap_err();
    assert!(!error.may_have_run(), "{error:?}");
    assert!(
        matches!(error.kind(), ErrorKind::Redis(cause) if cause.code() == Some("READONLY")),
        "{error:?}"
    );
}

#[test]
fn a_variadic_script_sets_one_value_per_key() {
    let server = RedisServer::start();
    let mut con = server.connection();
    let set = TouchMany::call(&["touch:a", "touch:b"], &["1", "2"])
        .invoke(&mut con)
        .unwrap();
    assert_eq!(set, 2);
    let values: Vec<String> = redis::cmd("MGET")
        .arg("touch:a")
        .arg("touch:b")
        .query(&mut con)
        .unwrap();
    assert_eq!(values, ["1", "2"]);
}

#[test]
fn a_script_with_flags_forwards_what_its_command_answered() {
    let server = RedisServer::start();
    let mut con = server.connection();
    let reply = ForwardFlagged::call("forward:count", "forward:flagged", "v")
        .invoke(&mut con)
        .unwrap();
    assert_eq!(reply, redis::Value::Okay);
    let count: i64 = con.get("forward:count").unwrap();
    assert_eq!(count, 1);
}
