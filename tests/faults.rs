//! Fault tests with real servers. Each states its invariant and checks it exactly:
//! an empty script cache at any moment, a restart between batches, a connection lost while
//! a script runs.

use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use redis::Commands;
use redis_script::testing::RedisServer;
use redis_script::{Batch, BatchError, ErrorKind};
use redis_script_examples::testing::{Incr, Slow};

/// Runs `SCRIPT FLUSH` on its own connection, again and again, until stopped (or for at
/// most 60 s); returns how many flushes it made.
struct FlushLoop {
    stop: Arc<AtomicBool>,
    handle: thread::JoinHandle<u64>,
}

impl FlushLoop {
    fn start(server: &RedisServer) -> Self {
        let mut con = server.connection();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let handle = thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(60);
            let mut flushes = 0;
            while !flag.load(Ordering::Relaxed) && Instant::now() < deadline {
                let () = redis::cmd("SCRIPT").arg("FLUSH").query(&mut con).unwrap();
                flushes += 1;
            }
            flushes
        });
        Self { stop, handle }
    }

    fn stop(self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        self.handle.join().unwrap()
    }
}

/// Invariant: 10,000 increments sent in pipelines of 100 while another client flushes the
/// script cache non-stop leave the counter at exactly 10,000 (none lost, none doubled).
#[test]
fn pipelines_under_a_flush_loop_run_every_call_exactly_once() {
    let server = RedisServer::start();
    let mut con = server.connection();
    let flusher = FlushLoop::start(&server);
    for _ in 0..100 {
        let mut batch = Batch::new();
        let slots: Vec<_> = (0..100).map(|_| batch.add(Incr::call("counter"))).collect();
        let mut replies = batch.run(&mut con).unwrap();
        for slot in slots {
            replies.take(slot).unwrap();
        }
    }
    let flushes = flusher.stop();
    let counter: i64 = con.get("counter").unwrap();
    assert_eq!(counter, 10_000);
    assert!(flushes > 0, "the cache was flushed while the batches ran");
}

/// Invariant: under the same flush loop, each transaction's two increments are both
/// applied or neither: after 1,000 transactions both counters are exactly 1,000.
#[test]
fn transactions_under_a_flush_loop_never_half_apply() {
    let server = RedisServer::start();
    let mut con = server.connection();
    let flusher = FlushLoop::start(&server);
    for _ in 0..1_000 {
        let mut batch = Batch::transaction();
        let a = batch.add(Incr::call("a"));
        let b = batch.add(Incr::call("b"));
        let mut replies = batch.run(&mut con).unwrap();
        assert_eq!(replies.take(a).unwrap(), replies.take(b).unwrap());
    }
    let flushes = flusher.stop();
    let (a, b): (i64, i64) = con.mget(&["a", "b"]).unwrap();
    assert_eq!((a, b), (1_000, 1_000));
    assert!(
        flushes > 0,
        "the cache was flushed while the transactions ran"
    );
}

/// Invariant: after a restart (same port, empty dataset and script cache) the next batch
/// works with no manual step: `redis::Client` connects anew for each request.
#[test]
fn a_batch_after_a_restart_works_without_a_manual_step() {
    let mut server = RedisServer::start();
    let mut client = server.client();
    for round in 0..3 {
        let mut batch = Batch::new();
        let first = batch.add(Incr::call("restarts"));
        let second = batch.add(Incr::call("restarts"));
        let mut replies = batch.run(&mut client).unwrap();
        assert_eq!(
            (replies.take(first).unwrap(), replies.take(second).unwrap()),
            (1, 2),
            "round {round}"
        );
        server.restart();
    }
}

/// Invariant: a `ConnectionManager` reconnects by itself after a restart; a batch caught by
/// the restart is reported as a connection failure (never retried), and the next one works.
#[tokio::test]
async fn a_connection_manager_batch_after_a_restart_reconnects() {
    let mut server = RedisServer::start();
    let mut manager = redis::aio::ConnectionManager::new(server.client())
        .await
        .unwrap();
    let increment = || {
        let mut batch = Batch::new();
        let slot = batch.add(Incr::call("n"));
        (batch, slot)
    };
    let (batch, slot) = increment();
    assert_eq!(
        batch
            .run_async(&mut manager)
            .await
            .unwrap()
            .take(slot)
            .unwrap(),
        1
    );

    server.restart();
    let mut failures = 0;
    let value = loop {
        let (batch, slot) = increment();
        match batch.run_async(&mut manager).await {
            Ok(mut replies) => break replies.take(slot).unwrap(),
            Err(BatchError::Connection(_)) if failures < 3 => failures += 1,
            Err(other) => panic!("unexpected batch error: {other}"),
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(value, 1, "the restarted server, empty, ran the call once");
    assert!(
        failures <= 1,
        "only the batch caught by the restart may fail, {failures} did"
    );
}

/// Invariant: when the connection drops while a script runs, the caller learns that it may
/// or may not have run, and the call is not retried.
#[test]
fn a_call_whose_connection_drops_mid_flight_reports_it_may_have_run() {
    let server = RedisServer::start();
    let mut con = server.connection();
    Slow::META.load(&mut con).unwrap();
    let pid = server.pid();
    let killer = thread::spawn(move || {
        thread::sleep(Duration::from_millis(300));
        let status = Command::new("kill")
            .arg("-9")
            .arg(pid.to_string())
            .status()
            .unwrap();
        assert!(status.success());
    });
    let started = Instant::now();
    let error = Slow::call("slow", 5_000).invoke(&mut con).unwrap_err();
    killer.join().unwrap();
    assert!(
        matches!(error.kind(), ErrorKind::Connection(_)),
        "{error:?}"
    );
    assert!(error.may_have_run());
    assert!(
        error.to_string().contains("may or may not have run"),
        "{error}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "it gave up with the connection instead of waiting for the script"
    );
}

/// Invariant: the same holds for a batch.
#[test]
fn a_batch_whose_connection_drops_mid_flight_reports_it_may_have_run() {
    let server = RedisServer::start();
    let mut con = server.connection();
    let pid = server.pid();
    let killer = thread::spawn(move || {
        thread::sleep(Duration::from_millis(300));
        Command::new("kill")
            .arg("-9")
            .arg(pid.to_string())
            .status()
            .unwrap();
    });
    let mut batch = Batch::new();
    let _ = batch.add(Slow::call("slow", 5_000));
    let error = batch.run(&mut con).unwrap_err();
    killer.join().unwrap();
    assert!(matches!(error, BatchError::Connection(_)), "{error:?}");
    assert!(
        error.to_string().contains("may or may not have run"),
        "{error}"
    );
}
