//! Throughput of the typed call against hand-written `EVALSHA` and `redis::Script`, side
//! by side in one process against one throwaway redis-server, plus `redis-benchmark`
//! running the same `EVALSHA` on the same server as the physical limit. One more scenario
//! runs the sequential calls on a throwaway 3-primary Redis Cluster, and one compares the
//! rate limiter as a Redis Function (typed `FCALL`, hand-written `FCALL`) with the script,
//! one a call while line coverage is recorded with one while it is not.
//!
//! `cargo xtask bench` (or `cargo bench --bench throughput`) prints one table. Each
//! scenario runs its variants in alternating rounds and reports medians, so drift of the
//! machine hits all variants alike. Allocations are counted on the calling thread.

use std::process::Command;
use std::sync::LazyLock;
use std::time::Instant;

#[path = "../tests/support/alloc.rs"]
mod alloc;

use alloc::{CountingAllocator, allocations};
use redis_script::Batch;
use redis_script::testing::{RedisCluster, RedisServer};
use redis_script_examples::testing::{JsonEcho, Record, TouchMany};
use redis_script_examples::{RateLimit, RateLimiter};

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// How many rounds each variant runs; the median is reported.
const ROUNDS: usize = 7;
const KEY: &str = "ratelimit:bench";
/// A limit never reached, so every call takes the same path.
const LIMIT: i64 = i64::MAX;
const WINDOW: i64 = 3600;

static SCRIPT: LazyLock<redis::Script> = LazyLock::new(|| redis::Script::new(RateLimiter::SOURCE));
static RECORD_SCRIPT: LazyLock<redis::Script> =
    LazyLock::new(|| redis::Script::new(Record::SOURCE));
static MANY_SCRIPT: LazyLock<redis::Script> =
    LazyLock::new(|| redis::Script::new(TouchMany::SOURCE));

/// One measured variant: invocations per second and allocations per invocation.
#[derive(Clone, Copy, Default)]
struct Sample {
    per_second: f64,
    allocations: f64,
}

/// Runs `run` (which makes `invocations` invocations) `ROUNDS` times per variant,
/// alternating variants, and returns each variant's medians.
fn measure<const N: usize>(invocations: usize, variants: [&mut dyn FnMut(); N]) -> [Sample; N] {
    let mut variants = variants;
    let mut samples = vec![Vec::with_capacity(ROUNDS); N];
    for round in 0..=ROUNDS {
        for (i, run) in variants.iter_mut().enumerate() {
            let before = allocations();
            let started = Instant::now();
            run();
            let elapsed = started.elapsed();
            let allocated = allocations() - before;
            if round > 0 {
                // Round 0 warms up connections, caches and buffers.
                samples[i].push(Sample {
                    per_second: invocations as f64 / elapsed.as_secs_f64(),
                    allocations: allocated as f64 / invocations as f64,
                });
            }
        }
    }
    let mut out = [Sample::default(); N];
    for (i, mut list) in samples.into_iter().enumerate() {
        list.sort_by(|a, b| a.per_second.total_cmp(&b.per_second));
        out[i] = list[list.len() / 2];
    }
    out
}

/// The rate limiter call written by hand, as a redis-rs user would without this crate.
fn raw_evalsha() -> redis::Cmd {
    let mut cmd = redis::cmd("EVALSHA");
    cmd.arg(RateLimiter::SHA1)
        .arg(1)
        .arg(KEY)
        .arg(LIMIT)
        .arg(WINDOW);
    cmd
}

fn sequential(server: &RedisServer) -> [Sample; 3] {
    sequential_on(
        || server.connection(),
        |con| RateLimiter::call(KEY, LIMIT, WINDOW).invoke(con),
    )
}

/// The typed rate limiter call while coverage is recorded (feature `coverage`: the
/// counting text, its counts written to the server's log) and while it is not.
fn coverage_mode(server: &RedisServer) -> [Sample; 2] {
    const CALLS: usize = 2_000;
    let run = |recording: bool| {
        let mut con = server.connection();
        move || {
            redis_script::coverage::set_recording(recording);
            for _ in 0..CALLS {
                let allowed = RateLimiter::call(KEY, LIMIT, WINDOW)
                    .invoke(&mut con)
                    .unwrap();
                assert_eq!(allowed, 1);
            }
        }
    };
    let (mut counting, mut plain) = (run(true), run(false));
    let samples = measure(CALLS, [&mut counting, &mut plain]);
    redis_script::coverage::set_recording(false);
    samples
}

/// The same on a Redis Cluster: the typed call checks the keys' slot first.
fn sequential_cluster(cluster: &RedisCluster) -> [Sample; 3] {
    sequential_on(
        || cluster.connection(),
        |con| RateLimiter::call(KEY, LIMIT, WINDOW).invoke_cluster(con),
    )
}

/// Sequential rate limiter calls on connections from `connect`: typed with `typed`, raw
/// `EVALSHA`, and `redis::Script`.
fn sequential_on<C: redis::ConnectionLike>(
    mut connect: impl FnMut() -> C,
    typed_call: impl Fn(&mut C) -> Result<i64, redis_script::Error>,
) -> [Sample; 3] {
    const CALLS: usize = 2_000;
    let mut con = connect();
    let mut typed = || {
        for _ in 0..CALLS {
            assert_eq!(typed_call(&mut con).unwrap(), 1);
        }
    };
    let mut con2 = connect();
    let mut raw = || {
        for _ in 0..CALLS {
            let allowed: i64 = raw_evalsha().query(&mut con2).unwrap();
            assert_eq!(allowed, 1);
        }
    };
    let mut con3 = connect();
    let mut script = || {
        for _ in 0..CALLS {
            let allowed: i64 = SCRIPT
                .key(KEY)
                .arg(LIMIT)
                .arg(WINDOW)
                .invoke(&mut con3)
                .unwrap();
            assert_eq!(allowed, 1);
        }
    };
    measure(CALLS, [&mut typed, &mut raw, &mut script])
}

/// Sequential calls of the rate limiter as a function: typed `FCALL`, hand-written
/// `FCALL`, and the typed `EVALSHA` of the same logic as a script.
fn functions(server: &RedisServer) -> [Sample; 3] {
    const CALLS: usize = 2_000;
    let mut con = server.connection();
    let mut typed = || {
        for _ in 0..CALLS {
            assert_eq!(
                RateLimit::allow(KEY, LIMIT, WINDOW)
                    .invoke(&mut con)
                    .unwrap(),
                1
            );
        }
    };
    let mut con2 = server.connection();
    let mut raw = || {
        for _ in 0..CALLS {
            let allowed: i64 = redis::cmd("FCALL")
                .arg("allow")
                .arg(1)
                .arg(KEY)
                .arg(LIMIT)
                .arg(WINDOW)
                .query(&mut con2)
                .unwrap();
            assert_eq!(allowed, 1);
        }
    };
    let mut con3 = server.connection();
    let mut script = || {
        for _ in 0..CALLS {
            assert_eq!(
                RateLimiter::call(KEY, LIMIT, WINDOW)
                    .invoke(&mut con3)
                    .unwrap(),
                1
            );
        }
    };
    measure(CALLS, [&mut typed, &mut raw, &mut script])
}

/// A job, as a `json` entry and reply.
#[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
struct Job {
    name: String,
    attempts: u32,
    tags: Vec<String>,
}

/// Sequential calls of a script with a `json` entry and a `json` reply: typed, and
/// `serde_json::to_vec` + `EVALSHA` + `serde_json::from_slice` by hand.
fn json_calls(server: &RedisServer) -> [Sample; 2] {
    const CALLS: usize = 2_000;
    let job = Job {
        name: "send the weekly mail".to_owned(),
        attempts: 3,
        tags: vec!["eu".to_owned(), "mail".to_owned()],
    };
    let mut con = server.connection();
    let mut typed = || {
        for _ in 0..CALLS {
            let back: redis_script::Json<Job> = JsonEcho::call(&job).invoke(&mut con).unwrap();
            assert_eq!(back.0.attempts, 3);
        }
    };
    let mut con2 = server.connection();
    let mut by_hand = || {
        for _ in 0..CALLS {
            let reply: Vec<u8> = redis::cmd("EVALSHA")
                .arg(JsonEcho::SHA1)
                .arg(0)
                .arg(serde_json::to_vec(&job).unwrap())
                .query(&mut con2)
                .unwrap();
            let back: Job = serde_json::from_slice(&reply).unwrap();
            assert_eq!(back.attempts, 3);
        }
    };
    measure(CALLS, [&mut typed, &mut by_hand])
}

/// Batches of `size` calls spread over 100 hash tags, on the cluster: typed
/// `Batch::run_cluster_async`, redis-rs's `ClusterPipeline` with `invoke_script` (warm
/// caches), and one typed call at a time.
fn cross_slot(cluster: &RedisCluster, size: usize) -> [Sample; 3] {
    let batches = (2_000 / size).max(2);
    let keys: Vec<(String, String)> = (0..size)
        .map(|i| {
            (
                format!("{{bench{}}}:log", i % 100),
                format!("{{bench{}}}:count", i % 100),
            )
        })
        .collect();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut con = runtime.block_on(cluster.async_connection());
    let mut typed = || {
        for _ in 0..batches {
            let mut batch = Batch::new();
            let slots: Vec<_> = keys
                .iter()
                .map(|(log, count)| batch.add(Record::call(log, count, "x")))
                .collect();
            let mut replies = runtime.block_on(batch.run_cluster_async(&mut con)).unwrap();
            for slot in slots {
                replies.take(slot).unwrap();
            }
        }
    };
    let mut sync = cluster.connection();
    let mut pipeline = || {
        for _ in 0..batches {
            let mut pipe = redis::cluster::cluster_pipe();
            for (log, count) in &keys {
                pipe.invoke_script(RECORD_SCRIPT.key(log).key(count).arg("x"));
            }
            let replies: Vec<i64> = pipe.query(&mut sync).unwrap();
            assert_eq!(replies.len(), size);
        }
    };
    let mut con3 = runtime.block_on(cluster.async_connection());
    let mut one_by_one = || {
        for _ in 0..batches {
            for (log, count) in &keys {
                let call = Record::call(log, count, "x");
                runtime
                    .block_on(call.invoke_cluster_async(&mut con3))
                    .unwrap();
            }
        }
    };
    measure(batches * size, [&mut typed, &mut pipeline, &mut one_by_one])
}

fn pipelined(server: &RedisServer) -> [Sample; 3] {
    const BATCHES: usize = 200;
    const SIZE: usize = 100;
    let mut con = server.connection();
    let mut typed = || {
        for _ in 0..BATCHES {
            let mut batch = Batch::new();
            let slots: Vec<_> = (0..SIZE)
                .map(|_| batch.add(RateLimiter::call(KEY, LIMIT, WINDOW)))
                .collect();
            let mut replies = batch.run(&mut con).unwrap();
            for slot in slots {
                assert_eq!(replies.take(slot).unwrap(), 1);
            }
        }
    };
    let mut con2 = server.connection();
    let mut raw = || {
        for _ in 0..BATCHES {
            let mut pipe = redis::pipe();
            for _ in 0..SIZE {
                pipe.cmd("EVALSHA")
                    .arg(RateLimiter::SHA1)
                    .arg(1)
                    .arg(KEY)
                    .arg(LIMIT)
                    .arg(WINDOW);
            }
            let replies: Vec<i64> = pipe.query(&mut con2).unwrap();
            assert_eq!(replies.len(), SIZE);
        }
    };
    let mut con3 = server.connection();
    let mut script = || {
        for _ in 0..BATCHES {
            let mut pipe = redis::pipe();
            pipe.load_script(&SCRIPT).ignore();
            for _ in 0..SIZE {
                pipe.invoke_script(SCRIPT.key(KEY).arg(LIMIT).arg(WINDOW));
            }
            let replies: Vec<i64> = pipe.query(&mut con3).unwrap();
            assert_eq!(replies.len(), SIZE);
        }
    };
    measure(BATCHES * SIZE, [&mut typed, &mut raw, &mut script])
}

fn concurrent(server: &RedisServer) -> [Sample; 3] {
    const TASKS: usize = 50;
    const PER_TASK: usize = 200;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let con = runtime.block_on(server.async_connection());
    let spawn_all = |body: fn(redis::aio::MultiplexedConnection) -> tokio::task::JoinHandle<()>| {
        runtime.block_on(async {
            let handles: Vec<_> = (0..TASKS).map(|_| body(con.clone())).collect();
            for handle in handles {
                handle.await.unwrap();
            }
        });
    };
    let mut typed = || {
        spawn_all(|mut con| {
            tokio::spawn(async move {
                for _ in 0..PER_TASK {
                    let call = RateLimiter::call(KEY, LIMIT, WINDOW);
                    assert_eq!(call.invoke_async(&mut con).await.unwrap(), 1);
                }
            })
        });
    };
    let mut raw = || {
        spawn_all(|mut con| {
            tokio::spawn(async move {
                for _ in 0..PER_TASK {
                    let allowed: i64 = raw_evalsha().query_async(&mut con).await.unwrap();
                    assert_eq!(allowed, 1);
                }
            })
        });
    };
    let mut script = || {
        spawn_all(|mut con| {
            tokio::spawn(async move {
                for _ in 0..PER_TASK {
                    let allowed: i64 = SCRIPT
                        .key(KEY)
                        .arg(LIMIT)
                        .arg(WINDOW)
                        .invoke_async(&mut con)
                        .await
                        .unwrap();
                    assert_eq!(allowed, 1);
                }
            })
        });
    };
    // The calls run on the runtime's threads: the calling thread's count says nothing.
    measure(TASKS * PER_TASK, [&mut typed, &mut raw, &mut script]).map(|sample| Sample {
        allocations: f64::NAN,
        ..sample
    })
}

fn many_keys(server: &RedisServer) -> [Sample; 3] {
    const CALLS: usize = 2_000;
    let keys: Vec<String> = (0..10).map(|i| format!("{{bench}}:many:{i}")).collect();
    let values: Vec<String> = (0..10).map(|i| format!("value-{i}")).collect();
    let mut con = server.connection();
    let mut typed = || {
        for _ in 0..CALLS {
            let set = TouchMany::call(&keys, &values).invoke(&mut con).unwrap();
            assert_eq!(set, 10);
        }
    };
    let mut con2 = server.connection();
    let mut raw = || {
        for _ in 0..CALLS {
            let set: i64 = redis::cmd("EVALSHA")
                .arg(TouchMany::SHA1)
                .arg(10)
                .arg(&keys)
                .arg(&values)
                .query(&mut con2)
                .unwrap();
            assert_eq!(set, 10);
        }
    };
    let mut con3 = server.connection();
    let mut script = || {
        for _ in 0..CALLS {
            let mut invocation = MANY_SCRIPT.prepare_invoke();
            for key in &keys {
                invocation.key(key);
            }
            for value in &values {
                invocation.arg(value);
            }
            let set: i64 = invocation.invoke(&mut con3).unwrap();
            assert_eq!(set, 10);
        }
    };
    measure(CALLS, [&mut typed, &mut raw, &mut script])
}

/// `redis-benchmark` running `EVALSHA` of the rate limiter: requests per second.
fn redis_benchmark(server: &RedisServer, args: &[&str]) -> Option<f64> {
    let port = server.port().to_string();
    let limit = LIMIT.to_string();
    let window = WINDOW.to_string();
    let output = Command::new("redis-benchmark")
        .args(["-h", "127.0.0.1", "-p", &port, "-q", "-n", "100000"])
        .args(args)
        .args(["EVALSHA", RateLimiter::SHA1, "1", KEY, &limit, &window])
        .output()
        .map_err(|error| eprintln!("redis-benchmark did not run: {error}"))
        .ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    // Progress lines end in `\r`; the summary reads `<command>: 15552.10 requests per second, ...`.
    let rate = text
        .split("requests per second")
        .next()
        .filter(|_| text.contains("requests per second"))
        .and_then(|before| before.split_whitespace().last())
        .and_then(|number| number.parse().ok());
    if rate.is_none() {
        let error = String::from_utf8_lossy(&output.stderr);
        eprintln!(
            "redis-benchmark {args:?} gave no rate: {}{error}",
            text.trim()
        );
    }
    rate
}

/// The bytes of `args` as RESP needs them at the least: `*n`, then `$len` and data each.
fn resp_minimum(args: &[&[u8]]) -> usize {
    let header = format!("*{}\r\n", args.len()).len();
    header
        + args
            .iter()
            .map(|a| format!("${}\r\n", a.len()).len() + a.len() + 2)
            .sum::<usize>()
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        // `cargo test --benches` asks for the list of tests: there are none.
        return;
    }
    let server = RedisServer::start();
    let mut con = server.connection();
    RateLimiter::META.load(&mut con).unwrap();
    TouchMany::META.load(&mut con).unwrap();
    RateLimit::LIBRARY.load(&mut con).unwrap();
    JsonEcho::META.load(&mut con).unwrap();
    SCRIPT.load(&mut con).unwrap();

    println!(
        "redis-script benchmark: one throwaway redis-server, {ROUNDS} rounds per variant, medians\n"
    );
    let cluster = RedisCluster::start();
    let mut cluster_con = cluster.connection();
    redis_script::load_all(&mut cluster_con).unwrap();
    SCRIPT.load(&mut cluster_con).unwrap();

    let scenarios: [(&str, [Sample; 3], Option<f64>); 5] = [
        (
            "sequential sync calls",
            sequential(&server),
            redis_benchmark(&server, &["-c", "1"]),
        ),
        (
            "pipelines of 100",
            pipelined(&server),
            redis_benchmark(&server, &["-c", "1", "-P", "100"]),
        ),
        (
            "async, 50 tasks in flight",
            concurrent(&server),
            redis_benchmark(&server, &["-c", "50"]),
        ),
        ("10 keys + 10 args, sequential", many_keys(&server), None),
        (
            "sequential sync, on a cluster",
            sequential_cluster(&cluster),
            None,
        ),
    ];
    println!(
        "{:<31} {:>10} {:>10} {:>10} {:>9} {:>9} {:>11} {:>9}   allocs/call typed raw Script",
        "scenario (calls/s)",
        "typed",
        "raw",
        "Script",
        "typed/raw",
        "typed/Scr",
        "redis-bench",
        "typed/rb"
    );
    for (name, [typed, raw, script], limit) in &scenarios {
        let limit_text = limit.map_or("-".to_owned(), |l| format!("{l:.0}"));
        let versus_limit = limit.map_or("-".to_owned(), |l| format!("{:.2}", typed.per_second / l));
        let allocations = |sample: &Sample| {
            if sample.allocations.is_nan() {
                "-".to_owned()
            } else {
                format!("{:.1}", sample.allocations)
            }
        };
        println!(
            "{name:<31} {:>10.0} {:>10.0} {:>10.0} {:>9.2} {:>9.2} {:>11} {:>9}   {:>5} {:>5} {:>5}",
            typed.per_second,
            raw.per_second,
            script.per_second,
            typed.per_second / raw.per_second,
            typed.per_second / script.per_second,
            limit_text,
            versus_limit,
            allocations(typed),
            allocations(raw),
            allocations(script),
        );
    }

    let [typed, raw, script] = functions(&server);
    println!(
        "\nRedis Functions, sequential sync (calls/s): typed FCALL {:.0}, raw FCALL {:.0}, \
         typed EVALSHA of the same logic {:.0}; typed/raw {:.2}, FCALL/EVALSHA {:.2}; \
         allocs/call typed {:.1} raw {:.1}",
        typed.per_second,
        raw.per_second,
        script.per_second,
        typed.per_second / raw.per_second,
        typed.per_second / script.per_second,
        typed.allocations,
        raw.allocations,
    );

    let [typed, by_hand] = json_calls(&server);
    println!(
        "\njson entry and reply, sequential sync (calls/s): typed {:.0}, serde_json::to_vec + EVALSHA + from_slice {:.0}; typed/by hand {:.2}; allocs/call typed {:.1} by hand {:.1}",
        typed.per_second,
        by_hand.per_second,
        typed.per_second / by_hand.per_second,
        typed.allocations,
        by_hand.allocations,
    );

    let [counting, plain] = coverage_mode(&server);
    println!(
        "\ncoverage mode, sequential sync rate limiter calls (calls/s): recorded {:.0}, not recorded {:.0}; recorded/not {:.2}",
        counting.per_second,
        plain.per_second,
        counting.per_second / plain.per_second,
    );

    println!(
        "\ncross-slot batches on the cluster (calls/s): typed run_cluster_async, redis-rs ClusterPipeline + invoke_script (warm), one typed call at a time"
    );
    for size in [100, 1_000] {
        let [typed, pipeline, alone] = cross_slot(&cluster, size);
        println!(
            "  batches of {size:>5}: typed {:.0}, ClusterPipeline {:.0}, one at a time {:.0}; typed/ClusterPipeline {:.2}, typed/one at a time {:.2}",
            typed.per_second,
            pipeline.per_second,
            alone.per_second,
            typed.per_second / pipeline.per_second,
            typed.per_second / alone.per_second,
        );
    }

    let call = RateLimiter::call(KEY, LIMIT, WINDOW);
    let sent = call.command().get_packed_command().len();
    let limit = LIMIT.to_string();
    let window = WINDOW.to_string();
    let minimum = resp_minimum(&[
        b"EVALSHA",
        RateLimiter::SHA1.as_bytes(),
        b"1",
        KEY.as_bytes(),
        limit.as_bytes(),
        window.as_bytes(),
    ]);
    println!("\nbytes per rate limiter call: {sent} sent, {minimum} the RESP minimum");
}
