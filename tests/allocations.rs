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

/// A job, as a caller sends it to a `json` entry.
#[derive(serde::Serialize, serde::Deserialize)]
struct Job {
    name: String,
    attempts: u32,
    tags: Vec<String>,
}

#[test]
fn a_json_argument_is_written_into_the_command_without_a_buffer_of_its_own() {
    use redis_script_examples::testing::JsonEcho;
    let server = RedisServer::start();
    let mut con = server.connection();
    let job = Job {
        name: "mail".to_owned(),
        attempts: 1,
        tags: vec!["eu".to_owned()],
    };
    let typed_building = allocations_per_run(100, || drop(JsonEcho::call::<Job>(&job)));
    let by_hand_building = allocations_per_run(100, || {
        let mut cmd = redis::cmd("EVALSHA");
        cmd.arg(JsonEcho::SHA1)
            .arg(0)
            .arg(serde_json::to_vec(&job).unwrap());
        drop(cmd);
    });
    println!(
        "allocations to build a json call: typed {typed_building}, serde_json::to_vec + cmd {by_hand_building}"
    );
    // The command's argument list and data buffer, and one growth of that buffer for a
    // value longer than the size it starts with: no buffer of the JSON's own.
    assert!(typed_building <= 3.0, "typed: {typed_building}");
    assert!(typed_building < by_hand_building);
    let back: redis_script::Json<Job> = JsonEcho::call(&job).invoke(&mut con).unwrap();
    assert_eq!(back.0.name, "mail");
}
