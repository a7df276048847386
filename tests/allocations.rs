//! Client cost without the network: heap allocations per invocation, counted by a global
//! allocator on the calling thread. The count is deterministic, so it is asserted: the
//! typed call stays within the goal of two allocations per invocation besides the reply,
//! and below both redis-rs baselines.

use std::sync::LazyLock;

#[path = "support/alloc.rs"]
mod alloc;

use alloc::{CountingAllocator, allocations};
use redis_script::testing::RedisServer;
use redis_script_examples::RateLimiter;

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// Allocations on this thread while `run` runs, averaged over `times` runs.
fn allocations_per_run(times: usize, mut run: impl FnMut()) -> f64 {
    let before = allocations();
    for _ in 0..times {
        run();
    }
    (allocations() - before) as f64 / times as f64
}

static SCRIPT: LazyLock<redis::Script> = LazyLock::new(|| redis::Script::new(RateLimiter::SOURCE));

#[test]
fn a_typed_call_allocates_less_than_raw_evalsha_and_redis_script() {
    let server = RedisServer::start();
    let mut con = server.connection();
    let key = "ratelimit:alloc";
    // Warm up: the script is loaded, buffers have grown.
    for _ in 0..10 {
        RateLimiter::call(key, 1_000_000, 60)
            .invoke(&mut con)
            .unwrap();
        SCRIPT
            .key(key)
            .arg(1_000_000)
            .arg(60)
            .invoke::<i64>(&mut con)
            .unwrap();
    }

    let typed = allocations_per_run(100, || {
        let allowed: i64 = RateLimiter::call(key, 1_000_000, 60)
            .invoke(&mut con)
            .unwrap();
        assert_eq!(allowed, 1);
    });
    let raw = allocations_per_run(100, || {
        let allowed: i64 = redis::cmd("EVALSHA")
            .arg(RateLimiter::SHA1)
            .arg(1)
            .arg(key)
            .arg(1_000_000)
            .arg(60)
            .query(&mut con)
            .unwrap();
        assert_eq!(allowed, 1);
    });
    let script = allocations_per_run(100, || {
        let allowed: i64 = SCRIPT
            .key(key)
            .arg(1_000_000)
            .arg(60)
            .invoke(&mut con)
            .unwrap();
        assert_eq!(allowed, 1);
    });
    let call = RateLimiter::call(key, 1_000_000, 60);
    let building = allocations_per_run(100, || drop(RateLimiter::call(key, 1_000_000, 60)));
    let invoking = allocations_per_run(100, || {
        let _: i64 = call.invoke(&mut con).unwrap();
    });
    let reading = allocations_per_run(100, || {
        let _: i64 = redis::ConnectionLike::req_packed_command(&mut con, b"*1\r\n$6\r\nDBSIZE\r\n")
            .map(|_| 0)
            .unwrap();
    });
    println!(
        "allocations per invocation: typed {typed} (building {building}, invoking {invoking}), \
         raw EVALSHA {raw}, redis::Script {script}; reading an integer reply in redis-rs: {reading}"
    );
    assert_eq!(building, 2.0, "the command's argument list and data buffer");
    assert_eq!(
        invoking, reading,
        "invoking adds nothing to what reading the reply costs"
    );
    assert!(
        typed - reading <= 2.0,
        "typed call: {typed} allocations per invocation"
    );
    assert!(typed <= raw, "typed {typed} vs raw {raw}");
    assert!(typed < script, "typed {typed} vs redis::Script {script}");
}
