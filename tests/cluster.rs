//! Redis Cluster against a real 3-primary, 3-replica cluster per test: routing, the
//! cross-slot check, `NOSCRIPT` per node, a failover under load, and batches, sync and
//! async.

mod support;

use support::command_stats;
use support::exactly_once::{Seen, Tally, check_applied_once, record_keys};

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use redis_script::cluster::{KeySlot, key_slot};
use redis_script::testing::{RedisCluster, RedisServer};
use redis_script::{Batch, BatchError, ErrorKind, ScriptMeta, Slot};
use redis_script_examples::Transfer;
use redis_script_examples::testing::{ReadValue, Record, TouchMany};

/// How many times the scripting commands were called, refused or failed, over all nodes.
fn script_commands_seen(cluster: &RedisCluster) -> u64 {
    cluster
        .nodes()
        .iter()
        .map(|node| {
            command_stats(
                node,
                &["eval", "evalsha", "evalsha_ro"],
                &["calls", "rejected_calls", "failed_calls"],
            )
        })
        .sum()
}

/// `SCRIPT FLUSH` on one node only.
fn flush_scripts(node: &RedisServer) {
    let () = redis::cmd("SCRIPT")
        .arg("FLUSH")
        .query(&mut node.connection())
        .unwrap();
}

/// How many keys `node` holds in the slot of `key`.
fn keys_in_slot(node: &RedisServer, key: &str) -> u64 {
    redis::cmd("CLUSTER")
        .arg("COUNTKEYSINSLOT")
        .arg(key_slot(key.as_bytes()))
        .query(&mut node.connection())
        .unwrap()
}

fn get(node: &RedisServer, key: &str) -> Option<String> {
    redis::cmd("GET")
        .arg(key)
        .query(&mut node.connection())
        .unwrap()
}

#[test]
fn the_harness_starts_a_ready_cluster_whose_slots_match_key_slot() {
    let cluster = RedisCluster::start();
    eprintln!("the cluster started in {:?}", cluster.started_in());

    let topology = cluster.topology();
    assert_eq!(topology.len(), 6);
    let primaries: Vec<_> = topology.iter().filter(|n| n.primary).collect();
    assert_eq!(primaries.len(), 3);
    for primary in &primaries {
        let replicas = topology
            .iter()
            .filter(|n| n.primary_id.as_deref() == Some(primary.id.as_str()));
        assert_eq!(replicas.count(), 1, "one replica each: {topology:?}");
    }
    let served: usize = primaries
        .iter()
        .flat_map(|n| &n.slots)
        .map(|&(a, b)| usize::from(b - a) + 1)
        .sum();
    assert_eq!(served, 16384);

    let mut keys: Vec<Vec<u8>> = (0..1500).map(|i| format!("key:{i}").into_bytes()).collect();
    keys.extend((0..200).map(|i| format!("{{user{i}}}:cart").into_bytes()));
    keys.extend(
        [
            &b"{}empty-tag"[..],
            b"{open",
            b"a{b}c{d}",
            b"{{x}}",
            b"",
            b"\xff\x00binary",
        ]
        .map(<[u8]>::to_vec),
    );
    let mut pipeline = redis::pipe();
    for key in &keys {
        pipeline.cmd("CLUSTER").arg("KEYSLOT").arg(key);
    }
    let expected: Vec<u16> = pipeline
        .query(&mut cluster.nodes()[0].connection())
        .unwrap();
    let computed: Vec<u16> = keys.iter().map(|key| key_slot(key)).collect();
    assert_eq!(computed, expected);
}

#[test]
fn sync_calls_run_on_the_primary_that_owns_their_keys() {
    let cluster = RedisCluster::start();
    let mut con = cluster.connection();
    let mut used_primaries = HashSet::new();
    for i in 0..60 {
        let tag = format!("user{i}");
        let (log, count) = record_keys(&tag);
        let call = Record::call(&log, &count, "first");
        assert_eq!(call.slot().unwrap(), Some(key_slot(tag.as_bytes())));
        assert_eq!(call.invoke_cluster(&mut con).unwrap(), 1);
        // The generic invoke routes the same way.
        assert_eq!(
            Record::call(&log, &count, "second")
                .invoke(&mut con)
                .unwrap(),
            2
        );

        let owner = cluster.primary_for_key(tag.as_bytes());
        used_primaries.insert(owner.port());
        assert_eq!(get(owner, &count).as_deref(), Some("2"));
        for other in cluster.primaries() {
            if other.port() != owner.port() {
                assert_eq!(keys_in_slot(other, &tag), 0, "{count} only on its owner");
            }
        }
    }
    assert_eq!(used_primaries.len(), 3, "60 tags spread over every primary");

    // A script without keys has no slot; the cluster client sends it to any node.
    let none: [&str; 0] = [];
    let call = TouchMany::call(&none, &none);
    assert_eq!(call.slot().unwrap(), None);
    assert_eq!(call.invoke_cluster(&mut con).unwrap(), 0);
}

#[test]
fn keys_in_different_slots_fail_on_the_client_before_anything_is_sent() {
    let cluster = RedisCluster::start();
    let mut con = cluster.connection();
    let (alice, bob) = ("account:alice", "account:bob");
    assert_ne!(key_slot(alice.as_bytes()), key_slot(bob.as_bytes()));
    let expected = vec![
        KeySlot {
            key: alice.to_owned(),
            slot: key_slot(alice.as_bytes()),
        },
        KeySlot {
            key: bob.to_owned(),
            slot: key_slot(bob.as_bytes()),
        },
    ];
    let seen_before = script_commands_seen(&cluster);

    let call = Transfer::call(alice, bob, 10);
    let error = call.invoke_cluster(&mut con).unwrap_err();
    assert_eq!(
        script_commands_seen(&cluster),
        seen_before,
        "nothing was sent"
    );
    assert!(matches!(error.kind(), ErrorKind::CrossSlot { keys } if *keys == expected));
    assert!(!error.may_have_run());
    assert_eq!(error.kind().label(), "cross_slot");
    let message = error.to_string();
    for needle in [
        "script Transfer (lua_scripts/transfer.lua) did not run",
        &format!("`account:alice` (slot {})", key_slot(alice.as_bytes())),
        &format!("`account:bob` (slot {})", key_slot(bob.as_bytes())),
        "`{user1}:a` and `{user1}:b`",
    ] {
        assert!(message.contains(needle), "{needle:?} in:\n{message}");
    }
    assert!(matches!(
        call.slot().unwrap_err().kind(),
        ErrorKind::CrossSlot { .. }
    ));

    // Without the check, the server refuses the call and the error is the same.
    let error = call.invoke(&mut con).unwrap_err();
    assert!(matches!(error.kind(), ErrorKind::CrossSlot { keys } if *keys == expected));
    assert!(script_commands_seen(&cluster) > seen_before);

    // The `allow-cross-slot-keys` flag does not lift Redis's rule for declared keys, so
    // the client-side check applies to every script.
    let flagged: redis::RedisResult<i64> = redis::cmd("EVAL")
        .arg("#!lua flags=allow-cross-slot-keys\nreturn 1")
        .arg(2)
        .arg(alice)
        .arg(bob)
        .query(&mut con);
    assert_eq!(flagged.unwrap_err().code(), Some("CROSSSLOT"));

    // With a common hash tag, the same transfer runs.
    let (from, to) = ("{alice}:balance", "{alice}:savings");
    let () = redis::cmd("SET")
        .arg(from)
        .arg(100)
        .query(&mut con)
        .unwrap();
    assert_eq!(
        Transfer::call(from, to, 10)
            .invoke_cluster(&mut con)
            .unwrap(),
        "OK"
    );
}

#[test]
fn a_node_without_the_script_gets_it_loaded_and_the_call_is_retried_once() {
    let cluster = RedisCluster::start();
    let mut con = cluster.connection();
    let (log, count) = record_keys("noscript");
    let owner = cluster.primary_for_key(b"noscript");
    assert!(!owner.has_script(Record::META.sent_sha1()));

    // The first call meets NOSCRIPT and is sent again after a SCRIPT LOAD, in one round
    // trip to its node only.
    assert_eq!(
        Record::call(&log, &count, "1")
            .invoke_cluster(&mut con)
            .unwrap(),
        1
    );
    for node in cluster.nodes() {
        assert_eq!(
            node.has_script(Record::META.sent_sha1()),
            node.port() == owner.port()
        );
    }

    // One node loses its cache (restart, SCRIPT FLUSH): its next call reloads it, with
    // SCRIPT LOAD, so a flood of EVAL scripts (which Redis evicts past 500 since 7.4)
    // cannot push it out.
    flush_scripts(owner);
    assert_eq!(
        Record::call(&log, &count, "2")
            .invoke_cluster(&mut con)
            .unwrap(),
        2
    );
    flood_with_eval_scripts(owner, 600);
    assert!(owner.has_script(Record::META.sent_sha1()));

    // The generic invoke reloads it in one transaction too, which this client routes to
    // the node of the call's key.
    flush_scripts(owner);
    assert_eq!(Record::call(&log, &count, "3").invoke(&mut con).unwrap(), 3);
    assert!(owner.has_script(Record::META.sent_sha1()));
    let applied: Vec<String> = redis::cmd("LRANGE")
        .arg(&log)
        .arg(0)
        .arg(-1)
        .query(&mut con)
        .unwrap();
    assert_eq!(applied, ["1", "2", "3"], "each call applied once");

    // load_all loads every bound script on every node, primaries and replicas.
    for node in cluster.nodes() {
        flush_scripts(node);
    }
    let loaded = redis_script::load_all(&mut con).unwrap();
    for sha1 in [
        Record::SHA1,
        TouchMany::SHA1,
        ReadValue::SHA1,
        Transfer::SHA1,
    ] {
        assert!(
            loaded.iter().any(|meta| meta.sha1() == sha1),
            "{sha1} in {loaded:?}"
        );
    }
    for node in cluster.nodes() {
        for meta in loaded.iter().filter(|meta| meta.library_name().is_none()) {
            assert!(
                node.has_script(meta.sent_sha1()),
                "{} on {}",
                meta.name(),
                node.port()
            );
        }
    }
}

#[test]
fn a_read_only_script_runs_on_a_replica_when_the_client_reads_from_replicas() {
    let cluster = RedisCluster::start();
    let mut con = cluster.connection();
    let () = redis::cmd("SET")
        .arg("{page}:title")
        .arg("Home")
        .query(&mut con)
        .unwrap();
    cluster.wait_until_ready();
    let owner = cluster.primary_for_key(b"page");
    let replica = cluster.replicas_of(owner)[0];
    // The replica has the write once its offset reaches the primary's.
    let acknowledged: i64 = redis::cmd("WAIT")
        .arg(1)
        .arg(5000)
        .query(&mut owner.connection())
        .unwrap();
    assert_eq!(acknowledged, 1, "the replica has the write");

    let mut replica_reader = redis::cluster::ClusterClient::builder(cluster.urls())
        // `default()`: redis-rs 2.0 makes the struct non-exhaustive.
        .read_routing_strategy(redis_2_ready_strategy())
        .build()
        .unwrap()
        .get_connection()
        .unwrap();
    let calls_on_replica = || command_stats(replica, &["evalsha_ro"], &["calls"]);
    // The replica has never seen the script: the first call loads it there.
    let read = ReadValue::call("{page}:title");
    let title = read.invoke_cluster(&mut replica_reader).unwrap();
    assert_eq!(title.as_deref(), Some("Home"));
    assert!(replica.has_script(ReadValue::META.sent_sha1()));
    let before = calls_on_replica();
    let title = read.invoke_cluster(&mut replica_reader).unwrap();
    assert_eq!(title.as_deref(), Some("Home"));
    assert_eq!(
        calls_on_replica(),
        before + 1,
        "EVALSHA_RO ran on the replica"
    );
}

/// A batch of [`Record`] calls and their slots.
type BatchOfCalls = (Batch, Vec<Slot<i64>>);

/// Step `step` of failover caller `caller`: callers 0, 3, 6... alternate single calls
/// and batches of two calls, callers 1, 4... make only calls, callers 2, 5... only
/// batches (whose client then learns of the failover from batches alone). Returns the
/// ids sent, and the batch if there is one.
fn failover_step(tag: &str, caller: usize, step: usize) -> (Vec<String>, Option<BatchOfCalls>) {
    let (log, count) = record_keys(tag);
    let batch = match caller % 3 {
        0 => !step.is_multiple_of(2),
        1 => false,
        _ => true,
    };
    if !batch {
        return (vec![format!("{caller}-{step}")], None);
    }
    let ids = vec![format!("{caller}-{step}-a"), format!("{caller}-{step}-b")];
    let mut batch = Batch::new();
    let slots = ids
        .iter()
        .map(|id| batch.add(Record::call(&log, &count, id)))
        .collect();
    (ids, Some((batch, slots)))
}

/// The sync callers of the failover test: one of each kind (see [`failover_step`]).
const SYNC_CALLERS: usize = 3;

/// Calls made before the failover starts, and after it completed, by all callers.
const CALLS_BEFORE: usize = 200;
const CALLS_AFTER: usize = 300;

/// Prepares a failover test: the script loaded everywhere, then flushed on the replica
/// to promote, as if it had restarted, so that its first calls as primary meet NOSCRIPT.
fn prepare_failover<'a>(cluster: &'a RedisCluster, tag: &str) -> &'a RedisServer {
    let owner = cluster.primary_for_key(tag.as_bytes());
    let replica = cluster.replicas_of(owner)[0];
    let (log, count) = record_keys(tag);
    Record::call(&log, &count, "warm-up")
        .invoke_cluster(&mut cluster.connection())
        .unwrap();
    let () = redis::cmd("DEL")
        .arg(&log)
        .arg(&count)
        .query(&mut cluster.connection())
        .unwrap();
    flush_scripts(replica);
    replica
}

/// How far the callers of a failover test are: calls made, whether the failover is
/// done, calls made since.
#[derive(Debug, Default)]
struct Progress {
    done: AtomicUsize,
    switched: AtomicBool,
    after: AtomicUsize,
}

impl Progress {
    /// Records what a caller saw of `ids`; false when enough calls were made after the
    /// failover. Every call made after it must succeed.
    fn settle(&self, tally: &mut Tally, ids: Vec<String>, seen: &Seen) -> bool {
        tally.record(ids, seen);
        self.done.fetch_add(1, Ordering::SeqCst);
        if !self.switched.load(Ordering::SeqCst) {
            return true;
        }
        assert!(
            matches!(seen, Seen::Ran),
            "every call after the failover works: {seen:?}"
        );
        self.after.fetch_add(1, Ordering::SeqCst) + 1 < CALLS_AFTER
    }
}

#[test]
fn a_failover_under_sync_calls_loses_nothing_and_applies_nothing_twice() {
    let cluster = RedisCluster::start();
    let tag = "failover";
    let replica = prepare_failover(&cluster, tag);
    let progress = Progress::default();

    let tally = std::thread::scope(|scope| {
        let callers: Vec<_> = (0..SYNC_CALLERS)
            .map(|caller| {
                let (cluster, progress) = (&cluster, &progress);
                scope.spawn(move || {
                    let mut con = cluster.connection();
                    let (log, count) = record_keys(tag);
                    let mut tally = Tally::default();
                    for step in 0.. {
                        let (ids, batch) = failover_step(tag, caller, step);
                        let seen = match batch {
                            None => {
                                let call = Record::call(&log, &count, &ids[0]);
                                Seen::of_call(&call.invoke_cluster(&mut con))
                            }
                            Some((batch, slots)) => {
                                Seen::of_batch(batch.run_cluster(&mut con), slots)
                            }
                        };
                        if !progress.settle(&mut tally, ids, &seen) {
                            break;
                        }
                    }
                    tally
                })
            })
            .collect();
        while progress.done.load(Ordering::SeqCst) < CALLS_BEFORE {
            std::thread::sleep(Duration::from_millis(5));
        }
        cluster.failover(replica);
        progress.switched.store(true, Ordering::SeqCst);
        let mut tally = Tally::default();
        for caller in callers {
            tally.merge(caller.join().unwrap());
        }
        tally
    });

    assert_eq!(
        cluster.primary_for_key(tag.as_bytes()).port(),
        replica.port()
    );
    assert!(
        replica.has_script(Record::META.sent_sha1()),
        "the new primary got the script loaded"
    );
    check_applied_once(&mut cluster.connection(), tag, &tally);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failover_under_async_calls_loses_nothing_and_applies_nothing_twice() {
    const CALLERS: usize = 6;
    let cluster = RedisCluster::start();
    let tag = "failover-async";
    let replica = prepare_failover(&cluster, tag);
    let progress = Arc::new(Progress::default());
    let con = cluster.async_connection().await;

    let callers: Vec<_> = (0..CALLERS)
        .map(|caller| {
            let (mut con, progress) = (con.clone(), Arc::clone(&progress));
            let (log, count) = record_keys(tag);
            tokio::spawn(async move {
                let mut tally = Tally::default();
                for step in 0.. {
                    let (ids, batch) = failover_step(tag, caller, step);
                    let seen = match batch {
                        None => {
                            let call = Record::call(&log, &count, &ids[0]);
                            Seen::of_call(&call.invoke_cluster_async(&mut con).await)
                        }
                        Some((batch, slots)) => {
                            Seen::of_batch(batch.run_cluster_async(&mut con).await, slots)
                        }
                    };
                    if !progress.settle(&mut tally, ids, &seen) {
                        break;
                    }
                }
                tally
            })
        })
        .collect();
    while progress.done.load(Ordering::SeqCst) < CALLS_BEFORE {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // The callers run on the other worker meanwhile.
    tokio::task::block_in_place(|| cluster.failover(replica));
    progress.switched.store(true, Ordering::SeqCst);
    let mut tally = Tally::default();
    for caller in callers {
        tally.merge(caller.await.unwrap());
    }

    assert_eq!(
        cluster.primary_for_key(tag.as_bytes()).port(),
        replica.port()
    );
    assert!(replica.has_script(Record::META.sent_sha1()));
    check_applied_once(&mut cluster.connection(), tag, &tally);
}

#[test]
fn a_sync_cluster_batch_runs_on_the_node_of_its_slot_even_with_no_script_loaded() {
    let cluster = RedisCluster::start();
    let mut con = cluster.connection();
    let (log, count) = record_keys("batch");
    let (from, to) = ("{batch}:from", "{batch}:to");
    let () = redis::cmd("SET").arg(from).arg(50).query(&mut con).unwrap();

    for transaction in [false, true] {
        for node in cluster.nodes() {
            flush_scripts(node);
        }
        let mut batch = support::batch(transaction);
        let first = batch.add(Record::call(&log, &count, "a"));
        let moved = batch.add(Transfer::call(from, to, 20));
        let balance = batch.cmd::<i64>(redis::cmd("GET").arg(to));
        let second = batch.add(Record::call(&log, &count, "b"));
        let mut replies = batch.run_cluster(&mut con).unwrap();

        let base = if transaction { 2 } else { 0 };
        assert_eq!(replies.take(first).unwrap(), base + 1);
        assert_eq!(replies.take(moved).unwrap(), "OK");
        assert_eq!(
            replies.take(balance).unwrap(),
            if transaction { 40 } else { 20 }
        );
        assert_eq!(replies.take(second).unwrap(), base + 2);
        assert!(
            cluster
                .primary_for_key(b"batch")
                .has_script(Record::META.sent_sha1())
        );
    }

    // A batch that does not start with a keyed call still reaches the primary of its
    // keys (PING alone would go to a random node).
    for round in 0..6 {
        flush_scripts(cluster.primary_for_key(b"batch"));
        let mut batch = Batch::new();
        let pong = batch.cmd::<String>(&redis::cmd("PING"));
        let read = batch.add(ReadValue::call(to));
        let call = batch.add(Record::call(&log, &count, format!("round {round}")));
        let mut replies = batch.run_cluster(&mut con).unwrap();
        assert_eq!(replies.take(pong).unwrap(), "PONG");
        assert_eq!(replies.take(read).unwrap().as_deref(), Some("40"));
        assert_eq!(replies.take(call).unwrap(), 5 + round);
    }

    // An error reply makes the sync cluster client drop every reply; the batch says so,
    // and everything in it ran.
    let mut batch = Batch::new();
    let _ = batch.add(Record::call(&log, &count, "c"));
    let _ = batch.add(Transfer::call(from, to, 1000));
    let _ = batch.add(Record::call(&log, &count, "d"));
    let error = batch.run_cluster(&mut con).unwrap_err();
    assert!(
        matches!(&error, BatchError::RepliesLost(cause) if cause.code() == Some("INSUFFICIENT_BALANCE")),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .starts_with("the sync cluster client returned only this error of the batch"),
        "{error}"
    );
    let counted: i64 = redis::cmd("GET").arg(&count).query(&mut con).unwrap();
    assert_eq!(counted, 12, "both calls around the failed transfer ran");

    // A command whose key is in another slot makes Redis refuse the batch whole, whether
    // that slot is on the same node (CROSSSLOT at EXEC) or not (EXECABORT after MOVED).
    let here = cluster.primary_for_key(b"batch").port();
    let candidates = || (0..).map(|i| format!("elsewhere{i}"));
    let same_node = candidates()
        .find(|key| {
            key_slot(key.as_bytes()) != key_slot(b"batch")
                && cluster.primary_for_key(key.as_bytes()).port() == here
        })
        .unwrap();
    let other_node = candidates()
        .find(|key| cluster.primary_for_key(key.as_bytes()).port() != here)
        .unwrap();
    for elsewhere in [same_node, other_node] {
        let mut batch = Batch::new();
        let _ = batch.add(Record::call(&log, &count, "never"));
        let _ = batch.cmd::<i64>(redis::cmd("INCR").arg(&elsewhere));
        let error = batch.run_cluster(&mut con).unwrap_err();
        assert!(matches!(error, BatchError::Discarded(_)), "{error:?}");
        assert!(
            error.to_string().contains("nothing of the batch ran"),
            "{error}"
        );
    }
    let counted: i64 = redis::cmd("GET").arg(&count).query(&mut con).unwrap();
    assert_eq!(counted, 12, "the refused batches did not run");

    // A batch whose calls span slots is refused before anything is sent.
    let seen_before = script_commands_seen(&cluster);
    let mut batch = Batch::new();
    let _ = batch.add(Record::call(&log, &count, "c"));
    let _ = batch.add(Record::call("{other}:log", "{other}:count", "d"));
    let error = batch.run_cluster(&mut con).unwrap_err();
    assert!(
        matches!(&error, BatchError::CrossSlot(keys) if keys.len() == 4
            && keys[0].slot == key_slot(b"batch") && keys[3].slot == key_slot(b"other")),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("`{other}:log` (slot "),
        "{error}"
    );
    assert_eq!(script_commands_seen(&cluster), seen_before);

    // The generic run cannot pipeline on a cluster connection, and says what to use.
    let error = Batch::new().run(&mut con).unwrap_err();
    assert!(matches!(error, BatchError::Unsupported(_)));
    assert!(error.to_string().contains("Batch::run_cluster"), "{error}");
}

#[tokio::test]
async fn async_cluster_calls_batches_and_loads_work_like_sync_ones() {
    let cluster = RedisCluster::start();
    let mut con = cluster.async_connection().await;
    let (log, count) = record_keys("async");

    // A call on a cluster where no node has the script.
    assert_eq!(
        Record::call(&log, &count, "1")
            .invoke_cluster_async(&mut con)
            .await
            .unwrap(),
        1
    );
    let owner = cluster.primary_for_key(b"async");
    flush_scripts(owner);
    assert_eq!(
        Record::call(&log, &count, "2")
            .invoke_async(&mut con)
            .await
            .unwrap(),
        2
    );

    // Cross-slot calls and transactions fail before sending (plain batches across slots
    // are split by node: see tests/cluster_batches.rs).
    let seen_before = script_commands_seen(&cluster);
    let error = Transfer::call("account:alice", "account:bob", 1)
        .invoke_cluster_async(&mut con)
        .await
        .unwrap_err();
    assert!(matches!(error.kind(), ErrorKind::CrossSlot { keys } if keys.len() == 2));
    let mut batch = Batch::transaction();
    let _ = batch.add(Record::call(&log, &count, "x"));
    let _ = batch.add(Record::call("{else}:log", "{else}:count", "y"));
    let error = batch.run_cluster_async(&mut con).await.unwrap_err();
    assert!(matches!(error, BatchError::CrossSlot(_)), "{error:?}");
    // A plain command's key in another slot is caught by the cluster client.
    let mut batch = Batch::transaction();
    let _ = batch.add(Record::call(&log, &count, "x"));
    let _ = batch.cmd::<i64>(redis::cmd("INCR").arg("{else}:count"));
    let error = batch.run_cluster_async(&mut con).await.unwrap_err();
    assert!(matches!(error, BatchError::Discarded(_)), "{error:?}");
    assert!(
        error.to_string().contains("nothing of the batch ran"),
        "{error}"
    );
    assert_eq!(script_commands_seen(&cluster), seen_before);

    // Transactions and pipelines in one slot, with the script missing on its node.
    for transaction in [true, false] {
        flush_scripts(owner);
        let mut batch = support::batch(transaction);
        let a = batch.add(Record::call(&log, &count, "a"));
        let length = batch.cmd::<usize>(redis::cmd("LLEN").arg(&log));
        let b = batch.add(Record::call(&log, &count, "b"));
        let mut replies = batch.run_cluster_async(&mut con).await.unwrap();
        let before = if transaction { 2 } else { 4 };
        assert_eq!(replies.take(a).unwrap(), before + 1);
        assert_eq!(replies.take(length).unwrap(), before as usize + 1);
        assert_eq!(replies.take(b).unwrap(), before + 2);
    }

    // Every reply in its place, errors included.
    let mut batch = Batch::new();
    let refused = batch.add(Transfer::call("{async}:from", "{async}:to", 5));
    let c = batch.add(Record::call(&log, &count, "c"));
    let mut replies = batch.run_cluster_async(&mut con).await.unwrap();
    let error = replies.take(refused).unwrap_err();
    assert_eq!(error.code(), Some("INSUFFICIENT_BALANCE"));
    assert_eq!(replies.take(c).unwrap(), 7);

    // load_all_cluster_async loads on every node.
    for node in cluster.nodes() {
        flush_scripts(node);
    }
    let loaded = redis_script::load_all_cluster_async(&mut con)
        .await
        .unwrap();
    for node in cluster.nodes() {
        for meta in loaded.iter().filter(|meta| meta.library_name().is_none()) {
            assert!(
                node.has_script(ScriptMeta::sent_sha1(meta)),
                "{}",
                meta.name()
            );
        }
    }
}

#[tokio::test]
async fn a_script_redis_cannot_compile_stops_a_cluster_transaction_before_it_is_sent() {
    let cluster = RedisCluster::start();
    let mut sync_con = cluster.connection();
    let mut async_con = cluster.async_connection().await;
    let untouched = "{broken}:untouched";
    let transaction = || {
        let mut batch = Batch::transaction();
        let _ = batch.cmd::<i64>(redis::cmd("INCR").arg(untouched));
        let _ = batch.add(support::broken_call());
        batch
    };

    let sync_error = transaction().run_cluster(&mut sync_con).unwrap_err();
    let async_error = transaction()
        .run_cluster_async(&mut async_con)
        .await
        .unwrap_err();
    for error in [sync_error, async_error] {
        let BatchError::Load(load) = &error else {
            panic!("expected a load error, got {error:?}");
        };
        assert!(
            matches!(load.kind(), ErrorKind::Compile { line: Some(1), .. }),
            "{load:?}"
        );
    }
    let value: Option<i64> = redis::cmd("GET")
        .arg(untouched)
        .query(&mut sync_con)
        .unwrap();
    assert_eq!(value, None, "nothing of either transaction ran");
}

/// Runs `count` distinct scripts with `EVAL` on `node`, each cached by Redis as it runs.
fn flood_with_eval_scripts(node: &RedisServer, count: usize) {
    let mut con = node.connection();
    for i in 0..count {
        let () = redis::cmd("EVAL")
            .arg(format!("return nil -- flood {i}"))
            .arg(0)
            .query(&mut con)
            .unwrap();
    }
}

/// Reads from random replicas; built with `default()`, which redis-rs 2.0 requires (its
/// struct is non-exhaustive there) and 1.8 allows.
#[allow(clippy::default_constructed_unit_structs)]
fn redis_2_ready_strategy() -> redis::cluster_read_routing::RandomReplicaStrategy {
    redis::cluster_read_routing::RandomReplicaStrategy::default()
}
