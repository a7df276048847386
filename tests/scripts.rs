//! What each script in lua_scripts/ does, checked against a real redis-server.

use std::thread::sleep;
use std::time::Duration;

use redis::Commands;
use redis_script::testing::RedisServer;
use redis_script_examples::{CacheAside, SlidingWindow, TokenBucket, WriteThrough};

#[test]
fn token_bucket_spends_capacity_then_blocks() {
    let server = RedisServer::start();
    let mut con = server.connection();
    // A refill rate of one token per 1000 s: nothing refills while the test runs.
    let take = TokenBucket::call("ratelimit:user:123", 3, 0.001, 1);
    let decisions: Vec<i64> = (0..4).map(|_| take.invoke(&mut con).unwrap()).collect();
    assert_eq!(decisions, [1, 1, 1, 0]);
    let tokens: f64 = con.hget("ratelimit:user:123", "tokens").unwrap();
    assert!(tokens < 1.0, "the bucket should be empty, has {tokens}");
}

#[test]
fn token_bucket_refills_over_time() {
    let server = RedisServer::start();
    let mut con = server.connection();
    // RETURNS is prose here, so the caller picks the reply type.
    let take = TokenBucket::call::<i64>("ratelimit:user:9", 1, 1000, 1);
    assert_eq!(take.invoke(&mut con).unwrap(), 1);
    // 1000 tokens per second: 20 ms refill the single-token bucket many times over.
    sleep(Duration::from_millis(20));
    assert_eq!(take.invoke(&mut con).unwrap(), 1);
}

#[test]
fn token_bucket_rejects_requests_larger_than_capacity() {
    let server = RedisServer::start();
    let mut con = server.connection();
    let allowed: bool = TokenBucket::call("ratelimit:big", 5, 1, 6)
        .invoke(&mut con)
        .unwrap();
    assert!(!allowed);
}

#[test]
fn sliding_window_counts_requests_in_the_window() {
    let server = RedisServer::start();
    let mut con = server.connection();
    let key = "ratelimit:sliding:user:1";
    let decisions: Vec<(i64, i64)> = (0..4)
        .map(|i| {
            SlidingWindow::call(key, 3, 60_000, format!("req-{i}"))
                .invoke(&mut con)
                .unwrap()
        })
        .collect();
    assert_eq!(decisions, [(1, 1), (1, 2), (1, 3), (0, 3)]);
    let members: i64 = con.zcard(key).unwrap();
    assert_eq!(members, 3, "a refused request is not recorded");
    let ttl: i64 = con.pttl(key).unwrap();
    assert!(
        ttl > 0 && ttl <= 60_000,
        "the set expires with the window, pttl {ttl}"
    );
}

#[test]
fn sliding_window_forgets_requests_older_than_the_window() {
    let server = RedisServer::start();
    let mut con = server.connection();
    let key = "ratelimit:sliding:user:2";
    assert_eq!(
        SlidingWindow::call(key, 1, 50, "first")
            .invoke(&mut con)
            .unwrap(),
        (1, 1)
    );
    assert_eq!(
        SlidingWindow::call(key, 1, 50, "second")
            .invoke(&mut con)
            .unwrap()
            .0,
        0
    );
    sleep(Duration::from_millis(120));
    assert_eq!(
        SlidingWindow::call(key, 1, 50, "third")
            .invoke(&mut con)
            .unwrap(),
        (1, 1)
    );
}

#[test]
fn cache_aside_counts_misses_and_hits_and_refreshes_expiry() {
    let server = RedisServer::start();
    let mut con = server.connection();
    let read = CacheAside::call("cache:user:123:name", "cache:stats", 300);

    assert_eq!(read.invoke(&mut con).unwrap(), None);
    let () = con.set_ex("cache:user:123:name", "Ada", 10).unwrap();
    assert_eq!(read.invoke(&mut con).unwrap().as_deref(), Some("Ada"));

    let ttl: i64 = con.ttl("cache:user:123:name").unwrap();
    assert!(
        (290..=300).contains(&ttl),
        "a hit refreshes the expiry, ttl {ttl}"
    );
    let hits: i64 = con.hget("cache:stats", "hits").unwrap();
    let misses: i64 = con.hget("cache:stats", "misses").unwrap();
    assert_eq!((hits, misses), (1, 1));
}

#[test]
fn cache_aside_with_zero_ttl_keeps_the_expiry() {
    let server = RedisServer::start();
    let mut con = server.connection();
    let () = con.set_ex("cache:k", "v", 1000).unwrap();
    CacheAside::call("cache:k", "cache:stats", 0)
        .invoke(&mut con)
        .unwrap();
    let ttl: i64 = con.ttl("cache:k").unwrap();
    assert!(ttl > 900, "ttl {ttl}");
}

#[test]
fn write_through_updates_record_and_cache_together() {
    let server = RedisServer::start();
    let mut con = server.connection();
    let created = WriteThrough::call("user:123", "cache:user:123:name", "name", "Ada", 300)
        .invoke(&mut con)
        .unwrap();
    assert_eq!(created, 1);
    let updated = WriteThrough::call("user:123", "cache:user:123:name", "name", "Grace", 300)
        .invoke(&mut con)
        .unwrap();
    assert_eq!(updated, 0);

    let record: String = con.hget("user:123", "name").unwrap();
    let cached: String = con.get("cache:user:123:name").unwrap();
    assert_eq!((record.as_str(), cached.as_str()), ("Grace", "Grace"));
    let ttl: i64 = con.ttl("cache:user:123:name").unwrap();
    assert!((290..=300).contains(&ttl), "ttl {ttl}");
}

#[test]
fn cache_aside_hits_what_write_through_wrote() {
    let server = RedisServer::start();
    let mut con = server.connection();
    WriteThrough::call("user:7", "cache:user:7:name", "name", "Linus", 60)
        .invoke(&mut con)
        .unwrap();
    let cached = CacheAside::call("cache:user:7:name", "cache:stats", 60)
        .invoke(&mut con)
        .unwrap();
    assert_eq!(cached.as_deref(), Some("Linus"));
}
