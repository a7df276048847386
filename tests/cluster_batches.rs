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
use redis_script_examples::testing::{Incr, Ledger, Record};
use support::SetOnDrop;
use support::exactly_once::{Seen, Tally, check_applied_once_across, record_keys};
use support::resharding::{
    recording_batch, recording_into, redirections, reshard_all, tags, tally_batch,
};

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

/// An ordinary command whose key is not its first argument (`BITOP AND <dest> <src>`) is
/// grouped by the slot of `AND` with a call there; the server answers their transaction
/// `MOVED`, the client follows from node to node until it gives up, and each command then
/// goes on its own, where its key is: both run, once.
#[tokio::test]
async fn cross_slot_batch_sends_a_command_grouped_by_another_slot_where_its_key_is() {
    let cluster = RedisCluster::start();
    let mut con = cluster.async_connection().await;
    let mut admin = cluster.connection();
    // Keys on another node than `AND`'s slot.
    let here = cluster.primary_for_key(b"AND").port();
    let tag = (0..)
        .map(|i| format!("{{b{i}}}"))
        .find(|tag| cluster.primary_for_key(tag.as_bytes()).port() != here)
        .unwrap();
    let (dest, src) = (format!("{tag}:dest"), format!("{tag}:src"));
    let () = redis::cmd("SET")
        .arg(&src)
        .arg("ab")
        .query(&mut admin)
        .unwrap();
    let mut batch = Batch::new();
    let call = batch.add(Incr::call("AND"));
    let bitop = batch.cmd::<i64>(redis::cmd("BITOP").arg("AND").arg(&dest).arg(&src));
    let mut replies = batch.run_cluster_async(&mut con).await.unwrap();
    assert_eq!(replies.take(call).unwrap(), 1);
    assert_eq!(replies.take(bitop).unwrap(), 2);
    let counter: i64 = redis::cmd("GET").arg("AND").query(&mut admin).unwrap();
    let dest: String = redis::cmd("GET").arg(&dest).query(&mut admin).unwrap();
    assert_eq!((counter, dest.as_str()), (1, "ab"), "each ran once");
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

/// Moves the slot of each of `tags` to another primary and back, `rounds` times, one key
/// at a time with no pause: slots with many keys, so calls meet them half moved.
fn move_back_and_forth(cluster: &RedisCluster, tags: &[String], rounds: usize) {
    for _ in 0..rounds {
        for tag in tags {
            let owner = cluster.primary_for_key(tag.as_bytes()).port();
            let to = cluster
                .primaries()
                .into_iter()
                .find(|p| p.port() != owner)
                .unwrap();
            cluster.move_slot(cluster.key_slot(tag.as_bytes()), to, Duration::ZERO);
        }
    }
}

/// Batches of 2,200 calls over about a thousand slots, sent back to back on one
/// connection while slots move under them, plain and one transaction per slot: every
/// batch returns, each call is applied exactly once (a call-id log per tag), and the
/// connection still works afterwards. (redis-rs 1.8's async cluster client with tokio
/// 1.54 could stop for good here, with every later batch on the connection hanging.)
#[test]
fn big_batches_ride_through_moving_slots_and_the_connection_keeps_working() {
    const TAGS: usize = 1_100;
    let cluster = RedisCluster::start();
    let tags = tags(TAGS);
    let moving: Vec<String> = tags[..3].to_vec();
    {
        // Many keys in the slots that move, so each move takes a while.
        let mut con = cluster.connection();
        for tag in &moving {
            for i in 0..300 {
                let () = redis::cmd("SET")
                    .arg(format!("{{{tag}}}:filler:{i}"))
                    .arg(i)
                    .query(&mut con)
                    .unwrap();
            }
        }
    }
    let slots: std::collections::HashSet<u16> = tags
        .iter()
        .map(|tag| cluster.key_slot(tag.as_bytes()))
        .collect();
    assert!(slots.len() >= 1_000, "{} slots", slots.len());
    let moved = AtomicBool::new(false);
    let sent = std::sync::atomic::AtomicUsize::new(0);
    let (tally, batches) = std::thread::scope(|scope| {
        let caller = scope.spawn(|| {
            let runtime = tokio::runtime::Runtime::new().unwrap();
            runtime.block_on(async {
                let mut con = cluster.async_connection().await;
                let mut tally = Tally::default();
                let mut after = 0;
                for round in 0.. {
                    let kind = if round % 2 == 0 {
                        Batch::new()
                    } else {
                        Batch::transaction_per_slot()
                    };
                    let (mut batch, calls) = recording_into(kind, &tags, 2, &format!("big{round}"));
                    batch.deadline(Duration::from_secs(60));
                    tally_batch(batch.run_cluster_async(&mut con).await, calls, &mut tally);
                    sent.fetch_add(1, Ordering::SeqCst);
                    if moved.load(Ordering::SeqCst) {
                        after += 1;
                        if after == 3 {
                            return (tally, round + 1);
                        }
                    }
                }
                unreachable!()
            })
        });
        {
            // Slots keep moving until ten batches ran meanwhile.
            let _done = SetOnDrop(&moved);
            while sent.load(Ordering::SeqCst) < 10 {
                move_back_and_forth(&cluster, &moving, 2);
            }
        }
        caller.join().unwrap()
    });
    assert!(
        tally.unknown.is_empty(),
        "every batch answered in time: {:?}",
        tally.unknown.first()
    );
    assert!(
        tally
            .refused
            .iter()
            .all(|(_, why)| why.contains("migrating") || why.contains("EXECABORT")),
        "only calls caught mid-migration are refused: {:?}",
        tally.refused.first()
    );
    eprintln!("{batches} batches of {} calls", TAGS * 2);
    assert!(
        batches >= 10,
        "the batches ran while slots moved: {batches}"
    );
    let redirected = redirections(&cluster);
    assert!(redirected > 0, "calls met the moves (MOVED, ASK, TRYAGAIN)");
    eprintln!("{redirected} redirections answered");
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
