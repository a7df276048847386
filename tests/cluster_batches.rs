//! Batches across hash slots on a real cluster, and live resharding: batches split by node
//! and sent in parallel, with replies in the order written; one transaction per slot; and
//! calls, single-slot batches and cross-slot batches run while slots migrate between
//! nodes (`MOVED`, `ASK`, `TRYAGAIN`) or a primary fails over, checked with a log of call
//! ids: each successful call applied exactly once, none twice, the refused ones not at all.

mod support;

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use redis::cluster_async::ClusterConnection;
use redis_script::testing::{RedisCluster, RedisServer};
use redis_script::{Batch, BatchError};
use redis_script_examples::testing::{Ledger, Record};
use support::exactly_once::{Seen, Tally, check_applied_once_across, record_keys};

/// Tags whose keys spread over every primary: `{t0}` to `{t<count - 1>}`.
fn tags(count: usize) -> Vec<String> {
    (0..count).map(|i| format!("t{i}")).collect()
}

/// How many distinct primaries serve `tags`.
fn primaries_used(cluster: &RedisCluster, tags: &[String]) -> usize {
    let mut ports: Vec<u16> = tags
        .iter()
        .map(|tag| cluster.primary_for_key(tag.as_bytes()).port())
        .collect();
    ports.sort_unstable();
    ports.dedup();
    ports.len()
}

/// A batch recording `per_tag` calls for each tag (ids `<prefix>-<tag>-<n>`), interleaved
/// across tags, with a function call and a plain command in between; returns the ids
/// and their slots.
fn recording_batch(
    tags: &[String],
    per_tag: usize,
    prefix: &str,
) -> (Batch, Vec<(String, redis_script::Slot<i64>)>) {
    let mut batch = Batch::new();
    let mut calls = Vec::new();
    for n in 0..per_tag {
        for (i, tag) in tags.iter().enumerate() {
            let (log, count) = record_keys(tag);
            let id = format!("{prefix}-{tag}-{n}");
            let slot = if i % 2 == 0 {
                batch.add(Record::call(&log, &count, &id))
            } else {
                batch.add(Ledger::record(&log, &count, &id))
            };
            calls.push((id, slot));
        }
    }
    (batch, calls)
}

/// Takes the reply of each call of a recording batch into `tally`.
fn tally_batch(
    outcome: Result<redis_script::Replies, BatchError>,
    calls: Vec<(String, redis_script::Slot<i64>)>,
    tally: &mut Tally,
) {
    match outcome {
        Ok(mut replies) => {
            for (id, slot) in calls {
                let seen = Seen::of_call(&replies.take(slot));
                tally.record(vec![id], &seen);
            }
        }
        Err(error) => panic!("a batch across slots fails only per call: {error}"),
    }
}

/// `SCRIPT FLUSH` and `FUNCTION FLUSH` on every primary: every node's caches are empty.
fn flush_code(cluster: &RedisCluster) {
    for node in cluster.primaries() {
        flush_node(node);
    }
}

fn flush_node(node: &RedisServer) {
    let mut con = node.connection();
    let () = redis::cmd("SCRIPT").arg("FLUSH").query(&mut con).unwrap();
    let () = redis::cmd("FUNCTION").arg("FLUSH").query(&mut con).unwrap();
}

#[tokio::test]
async fn cross_slot_batch_runs_in_parallel_by_node_with_replies_in_order() {
    let cluster = RedisCluster::start();
    let tags = tags(12);
    assert_eq!(
        primaries_used(&cluster, &tags),
        3,
        "the tags cover every primary"
    );
    flush_code(&cluster);
    let mut con = cluster.async_connection().await;

    let mut batch = Batch::new();
    let mut counts = Vec::new();
    for n in 0..5 {
        for tag in &tags {
            let (log, count) = record_keys(tag);
            counts.push((
                tag.clone(),
                batch.add(Record::call(&log, &count, format!("{n}"))),
            ));
        }
    }
    let set = batch.cmd::<()>(redis::cmd("SET").arg("{t3}:plain").arg("v"));
    let get = batch.cmd::<Option<String>>(redis::cmd("GET").arg("{t3}:plain"));
    let ping = batch.cmd::<String>(&redis::cmd("PING"));
    let hits = batch.add(Ledger::recorded("{t5}:count"));
    let mut replies = batch.run_cluster_async(&mut con).await.unwrap();

    // Replies in the order written: the n-th call of each tag counted n + 1.
    let mut seen: std::collections::HashMap<String, i64> = Default::default();
    for (tag, slot) in counts {
        let count = replies.take(slot).unwrap();
        let expected = seen.entry(tag).or_insert(0);
        *expected += 1;
        assert_eq!(count, *expected);
    }
    replies.take(set).unwrap();
    assert_eq!(
        replies.take(get).unwrap().as_deref(),
        Some("v"),
        "in order on its node"
    );
    assert_eq!(replies.take(ping).unwrap(), "PONG");
    assert_eq!(replies.take(hits).unwrap(), 5);
}

/// Sets its flag when dropped, also by a panic: a helper thread looping until the flag
/// is set then stops, and the test reports the panic instead of hanging.
struct SetOnDrop<'a>(&'a AtomicBool);

impl Drop for SetOnDrop<'_> {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

#[test]
fn cross_slot_batch_calls_that_meet_an_empty_cache_run_exactly_once() {
    const BATCHES: usize = 40;
    let cluster = RedisCluster::start();
    let tags = tags(9);
    let stop = AtomicBool::new(false);
    let tally = std::thread::scope(|scope| {
        scope.spawn(|| {
            while !stop.load(Ordering::SeqCst) {
                flush_code(&cluster);
                std::thread::sleep(Duration::from_millis(2));
            }
        });
        let _stop = SetOnDrop(&stop);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let mut con = cluster.async_connection().await;
            let mut tally = Tally::default();
            for round in 0..BATCHES {
                let (batch, calls) = recording_batch(&tags, 3, &format!("b{round}"));
                tally_batch(batch.run_cluster_async(&mut con).await, calls, &mut tally);
            }
            tally
        })
    });
    assert_eq!(
        tally.ran.len(),
        BATCHES * 9 * 3,
        "every call ran: {:?}",
        tally.refused.first()
    );
    let tags: Vec<&str> = tags.iter().map(String::as_str).collect();
    check_applied_once_across(&mut cluster.connection(), &tags, &tally);
}

#[tokio::test]
async fn cross_slot_batch_per_slot_transactions_are_each_all_or_nothing() {
    let cluster = RedisCluster::start();
    let mut con = cluster.async_connection().await;
    let mut batch = Batch::transaction_per_slot();
    let a = batch.add(Record::call("{a}:log", "{a}:count", "a1"));
    let b = batch.add(Record::call("{b}:log", "{b}:count", "b1"));
    let a2 = batch.add(Record::call("{a}:log", "{a}:count", "a2"));
    // Refused as it is queued: the transaction of {b} aborts whole, {a}'s still runs.
    let broken = batch.cmd::<()>(redis::cmd("SET").arg("{b}:x"));
    let mut replies = batch.run_cluster_async(&mut con).await.unwrap();
    assert_eq!(replies.take(a).unwrap(), 1);
    assert_eq!(replies.take(a2).unwrap(), 2);
    let refused = replies.take(b).unwrap_err();
    assert!(!refused.may_have_run(), "{refused}");
    assert!(replies.take(broken).is_err());
    let b_count: Option<i64> = redis::cmd("GET")
        .arg("{b}:count")
        .query(&mut cluster.connection())
        .unwrap();
    assert_eq!(b_count, None, "nothing of {{b}}'s transaction ran");

    // The sync client runs the same transactions one after another.
    let mut sync = cluster.connection();
    let mut batch = Batch::transaction_per_slot();
    let a = batch.add(Record::call("{a}:log", "{a}:count", "a3"));
    let c = batch.add(Record::call("{c}:log", "{c}:count", "c1"));
    let mut replies = batch.run_cluster(&mut sync).unwrap();
    assert_eq!(replies.take(a).unwrap(), 3);
    assert_eq!(replies.take(c).unwrap(), 1);
}

#[test]
fn cross_slot_batch_on_the_sync_client_is_refused_before_sending() {
    let cluster = RedisCluster::start();
    let mut con = cluster.connection();
    let mut batch = Batch::new();
    let _ = batch.add(Record::call("{a}:log", "{a}:count", "a"));
    let _ = batch.add(Record::call("{b}:log", "{b}:count", "b"));
    let error = batch.run_cluster(&mut con).unwrap_err();
    assert!(matches!(error, BatchError::CrossSlot(_)), "{error}");
    assert!(error.to_string().contains("run_cluster_async"), "{error}");
    let count: Option<i64> = redis::cmd("GET").arg("{a}:count").query(&mut con).unwrap();
    assert_eq!(count, None, "nothing was sent");
}

/// One step of a resharding caller: caller 0 makes single calls, caller 1 single-slot
/// batches, caller 2 cross-slot batches, caller 3 transactions per slot.
async fn reshard_step(
    con: &mut ClusterConnection,
    tags: &[String],
    caller: usize,
    step: usize,
    tally: &mut Tally,
) {
    let tag = &tags[step % tags.len()];
    let (log, count) = record_keys(tag);
    match caller {
        0 => {
            let id = format!("single-{step}");
            let outcome = Record::call(&log, &count, &id)
                .invoke_cluster_async(con)
                .await;
            tally.record(vec![id], &Seen::of_call(&outcome));
        }
        1 => {
            let ids = [format!("slot-{step}-a"), format!("slot-{step}-b")];
            let mut batch = Batch::new();
            let slots: Vec<_> = ids
                .iter()
                .map(|id| batch.add(Ledger::record(&log, &count, id)))
                .collect();
            let seen = Seen::of_batch(batch.run_cluster_async(con).await, slots);
            tally.record(ids.to_vec(), &seen);
        }
        2 => {
            let (batch, calls) = recording_batch(tags, 1, &format!("cross-{step}"));
            tally_batch(batch.run_cluster_async(con).await, calls, tally);
        }
        _ => {
            let mut batch = Batch::transaction_per_slot();
            let mut calls = Vec::new();
            for other in tags.iter().skip(step % 3).step_by(3) {
                let (log, count) = record_keys(other);
                let id = format!("tx-{step}-{other}");
                calls.push((id.clone(), batch.add(Record::call(&log, &count, &id))));
            }
            tally_batch(batch.run_cluster_async(con).await, calls, tally);
        }
    }
}

/// Moves every slot of `tags` to the next primary, one after another, with a pause
/// after each key so calls meet the migration half done.
fn reshard_all(cluster: &RedisCluster, tags: &[String]) {
    let mut primaries: Vec<u16> = cluster.primaries().iter().map(|p| p.port()).collect();
    primaries.sort_unstable();
    for tag in tags {
        let slot = cluster.key_slot(tag.as_bytes());
        let owner = cluster.primary_for_key(tag.as_bytes()).port();
        let at = primaries.iter().position(|&p| p == owner).unwrap();
        let next = primaries[(at + 1) % primaries.len()];
        let to = cluster
            .primaries()
            .into_iter()
            .find(|p| p.port() == next)
            .unwrap();
        cluster.move_slot(slot, to, Duration::from_millis(3));
    }
}

#[test]
fn reshard_under_calls_and_batches_applies_each_call_exactly_once() {
    const CALLERS: usize = 4;
    const STEPS_AFTER: usize = 30;
    let cluster = RedisCluster::start();
    let tags = tags(6);
    let before: Vec<u16> = tags
        .iter()
        .map(|tag| cluster.primary_for_key(tag.as_bytes()).port())
        .collect();
    // Something to migrate in every slot, and the code loaded.
    let mut warm = Tally::default();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let mut con = cluster.async_connection().await;
        let (batch, calls) = recording_batch(&tags, 2, "warm");
        tally_batch(batch.run_cluster_async(&mut con).await, calls, &mut warm);
    });
    let resharded = AtomicBool::new(false);
    let tally = std::thread::scope(|scope| {
        let callers: Vec<_> = (0..CALLERS)
            .map(|caller| {
                let (cluster, tags, resharded) = (&cluster, &tags, &resharded);
                scope.spawn(move || {
                    let runtime = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .unwrap();
                    runtime.block_on(async {
                        let mut con = cluster.async_connection().await;
                        let mut tally = Tally::default();
                        let mut after = 0;
                        for step in 0.. {
                            reshard_step(&mut con, tags, caller, step, &mut tally).await;
                            if resharded.load(Ordering::SeqCst) {
                                after += 1;
                                if after == STEPS_AFTER {
                                    break;
                                }
                            }
                        }
                        tally
                    })
                })
            })
            .collect();
        {
            let _done = SetOnDrop(&resharded);
            reshard_all(&cluster, &tags);
        }
        let mut tally = warm;
        for caller in callers {
            tally.merge(caller.join().unwrap());
        }
        tally
    });
    let after: Vec<u16> = tags
        .iter()
        .map(|tag| cluster.primary_for_key(tag.as_bytes()).port())
        .collect();
    assert!(
        before.iter().zip(&after).all(|(a, b)| a != b),
        "every slot moved: {before:?} -> {after:?}"
    );
    // A transaction is refused whole while its slot migrates (nothing of it ran); every
    // other call rides through.
    assert!(
        tally.refused.iter().all(|(id, _)| id.starts_with("tx-")),
        "only transactions are refused: {:?}",
        tally.refused.iter().find(|(id, _)| !id.starts_with("tx-"))
    );
    let tags: Vec<&str> = tags.iter().map(String::as_str).collect();
    check_applied_once_across(&mut cluster.connection(), &tags, &tally);
}

#[test]
fn reshard_under_sync_calls_applies_each_call_exactly_once() {
    let cluster = RedisCluster::start();
    let tags = tags(3);
    let resharded = AtomicBool::new(false);
    let tally = std::thread::scope(|scope| {
        let caller = scope.spawn(|| {
            let mut con = cluster.connection();
            let mut tally = Tally::default();
            let mut after = 0;
            for step in 0.. {
                let tag = &tags[step % tags.len()];
                let (log, count) = record_keys(tag);
                let id = format!("sync-{step}");
                let outcome = Record::call(&log, &count, &id).invoke_cluster(&mut con);
                tally.record(vec![id], &Seen::of_call(&outcome));
                if resharded.load(Ordering::SeqCst) {
                    after += 1;
                    if after == 50 {
                        break;
                    }
                }
            }
            tally
        });
        std::thread::sleep(Duration::from_millis(100));
        {
            let _done = SetOnDrop(&resharded);
            reshard_all(&cluster, &tags);
        }
        caller.join().unwrap()
    });
    assert!(
        tally.refused.is_empty(),
        "nothing was refused: {:?}",
        tally.refused.first()
    );
    let tags: Vec<&str> = tags.iter().map(String::as_str).collect();
    check_applied_once_across(&mut cluster.connection(), &tags, &tally);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cross_slot_batch_through_a_failover_applies_each_call_exactly_once() {
    let cluster = RedisCluster::start();
    let tags = tags(6);
    let owner = cluster.primary_for_key(tags[0].as_bytes());
    let replica = cluster.replicas_of(owner)[0];
    let mut con = cluster.async_connection().await;
    let mut tally = Tally::default();
    for round in 0..60 {
        if round == 20 {
            // Its scripts forgotten, as after a restart (functions come by replication).
            let () = redis::cmd("SCRIPT")
                .arg("FLUSH")
                .query(&mut replica.connection())
                .unwrap();
            cluster.failover(replica);
        }
        let (batch, calls) = recording_batch(&tags, 2, &format!("f{round}"));
        tally_batch(batch.run_cluster_async(&mut con).await, calls, &mut tally);
    }
    assert_eq!(
        cluster.primary_for_key(tags[0].as_bytes()).port(),
        replica.port()
    );
    assert!(
        tally.refused.is_empty(),
        "nothing was refused: {:?}",
        tally.refused.first()
    );
    let tags: Vec<&str> = tags.iter().map(String::as_str).collect();
    check_applied_once_across(&mut cluster.connection(), &tags, &tally);
}

#[tokio::test]
async fn cross_slot_batch_reports_a_call_with_keys_in_two_slots_before_sending() {
    let cluster = RedisCluster::start();
    let mut con = cluster.async_connection().await;
    let mut batch = Batch::new();
    let _ = batch.add(Record::call("{a}:log", "{a}:count", "a"));
    let _ = batch.add(Record::call("{a}:log", "{b}:count", "mixed"));
    let error = batch.run_cluster_async(&mut con).await.unwrap_err();
    assert!(matches!(error, BatchError::CrossSlot(_)), "{error}");
    let count: Option<i64> = redis::cmd("GET")
        .arg("{a}:count")
        .query(&mut cluster.connection())
        .unwrap();
    assert_eq!(count, None, "nothing was sent");
}
