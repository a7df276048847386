//! The seed article's pytest suite, in Rust: the same checks on the same scripts, each test
//! against its own throwaway redis-server.

use redis::Commands;
use redis_script::ErrorKind;
use redis_script::testing::RedisServer;
use redis_script_examples::{RateLimiter, Transfer, TransferError};

#[test]
fn rate_limiter_allows_requests_under_limit() {
    let server = RedisServer::start();
    let mut con = server.connection();
    for request in 1..=5 {
        let allowed = RateLimiter::call("ratelimit:test", 5, 60)
            .invoke(&mut con)
            .unwrap();
        assert_eq!(allowed, 1, "request {request} should be allowed");
    }
}

#[test]
fn rate_limiter_blocks_requests_over_limit() {
    let server = RedisServer::start();
    let mut con = server.connection();
    let call = RateLimiter::call("ratelimit:test", 5, 60);
    for _ in 0..5 {
        call.invoke(&mut con).unwrap();
    }
    assert_eq!(
        call.invoke(&mut con).unwrap(),
        0,
        "request over limit should be blocked"
    );
}

#[test]
fn rate_limiter_sets_expiration() {
    let server = RedisServer::start();
    let mut con = server.connection();
    RateLimiter::call("ratelimit:test", 5, 60)
        .invoke(&mut con)
        .unwrap();
    let ttl: i64 = con.ttl("ratelimit:test").unwrap();
    assert!((55..=60).contains(&ttl), "TTL should be ~60, got {ttl}");
}

#[test]
fn transfer_succeeds() {
    let server = RedisServer::start();
    let mut con = server.connection();
    let () = con.set("balance:alice", 100).unwrap();
    let () = con.set("balance:bob", 50).unwrap();

    let result = Transfer::call("balance:alice", "balance:bob", 30)
        .invoke(&mut con)
        .unwrap();

    assert_eq!(result, "OK");
    assert_eq!(con.get::<_, String>("balance:alice").unwrap(), "70");
    assert_eq!(con.get::<_, String>("balance:bob").unwrap(), "80");
}

#[test]
fn transfer_with_insufficient_balance_fails_and_changes_nothing() {
    let server = RedisServer::start();
    let mut con = server.connection();
    let () = con.set("balance:alice", 20).unwrap();
    let () = con.set("balance:bob", 50).unwrap();

    let error = Transfer::call("balance:alice", "balance:bob", 30)
        .invoke(&mut con)
        .unwrap_err();

    let ErrorKind::ErrorReply { code, message } = error.kind() else {
        panic!("expected the script's error reply, got {error:?}");
    };
    assert_eq!(code.as_deref(), Some("INSUFFICIENT_BALANCE"));
    assert_eq!(message, "Insufficient balance");
    assert_eq!(
        Transfer::error_of(&error),
        Some(TransferError::InsufficientBalance)
    );
    assert_eq!(
        TransferError::InsufficientBalance.code(),
        "INSUFFICIENT_BALANCE"
    );
    assert!(
        error.to_string().contains("Insufficient balance"),
        "{error}"
    );
    assert_eq!(error.script().name(), "Transfer");
    assert_eq!(con.get::<_, String>("balance:alice").unwrap(), "20");
    assert_eq!(con.get::<_, String>("balance:bob").unwrap(), "50");
}
