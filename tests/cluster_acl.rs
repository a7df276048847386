//! An ACL user without `MULTI` on a real cluster. Apart from the other cluster tests: a
//! refused `MULTI` is kept for the whole process (plain batches then send their commands
//! one at a time), and each test file is a process of its own.

mod support;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use redis_script::testing::RedisCluster;
use redis_script::{Batch, BatchError};
use redis_script_examples::testing::Incr;
use support::SetOnDrop;
use support::exactly_once::{Tally, check_applied_once_across};
use support::resharding::{recording_batch, redirections, reshard_all, tags, tally_batch};

/// An ACL user without `MULTI` on every node of `cluster`, and the cluster's client for it.
fn client_without_multi(cluster: &RedisCluster) -> redis::cluster::ClusterClient {
    for node in cluster.nodes() {
        let () = redis::cmd("ACL")
            .arg(&[
                "SETUSER", "nomulti", "on", "nopass", "~*", "&*", "+@all", "-multi",
            ])
            .query(&mut node.connection())
            .unwrap();
    }
    redis::cluster::ClusterClientBuilder::new(cluster.urls())
        .username("nomulti")
        .password("any")
        .build()
        .unwrap()
}

/// With `MULTI` refused, the commands of a slot's transaction run at once, one by one:
/// each call still runs exactly once, and a transaction says it was not one.
#[tokio::test]
async fn a_user_without_multi_gets_each_call_exactly_once_on_a_cluster() {
    let cluster = RedisCluster::start();
    let client = client_without_multi(&cluster);
    let mut con = client.get_async_connection().await.unwrap();
    let count = |key: &str| -> i64 {
        redis::cmd("GET")
            .arg(key)
            .query(&mut cluster.connection())
            .unwrap()
    };

    // A plain batch across slots: {a}'s two calls went as one transaction.
    let mut batch = Batch::new();
    let a1 = batch.add(Incr::call("{a}x"));
    let a2 = batch.add(Incr::call("{a}x"));
    let b = batch.add(Incr::call("{b}y"));
    let mut replies = batch.run_cluster_async(&mut con).await.unwrap();
    assert_eq!(replies.take(a1).unwrap(), 1);
    assert_eq!(replies.take(a2).unwrap(), 2);
    assert_eq!(replies.take(b).unwrap(), 1);
    assert_eq!(count("{a}x"), 2, "each call ran once");

    // One transaction per slot: each command's own reply.
    let mut batch = Batch::transaction_per_slot();
    let a3 = batch.add(Incr::call("{a}x"));
    let a4 = batch.add(Incr::call("{a}x"));
    let mut replies = batch.run_cluster_async(&mut con).await.unwrap();
    assert_eq!(replies.take(a3).unwrap(), 3);
    assert_eq!(replies.take(a4).unwrap(), 4);

    // A transaction says it was not one.
    let mut batch = Batch::transaction();
    let a5 = batch.add(Incr::call("{a}x"));
    let error = batch.run_cluster_async(&mut con).await.unwrap_err();
    let BatchError::NotAtomic {
        replies: Some(mut replies),
        ..
    } = error
    else {
        panic!("not NotAtomic: {error:?}")
    };
    assert_eq!(replies.take(a5).unwrap(), 5);

    // The sync client returns MULTI's refusal alone: the batch says its commands ran.
    let mut sync = client.get_connection().unwrap();
    let mut batch = Batch::new();
    let _ = batch.add(Incr::call("{a}x"));
    let _ = batch.add(Incr::call("{a}x"));
    let error = batch.run_cluster(&mut sync).unwrap_err();
    assert!(
        matches!(error, BatchError::NotAtomic { replies: None, .. }),
        "{error:?}"
    );
    assert_eq!(count("{a}x"), 7, "every call ran exactly once");
}

/// A user without `MULTI` sends plain batches across slots, three calls per slot, while
/// every slot moves: each slot's commands go one at a time, so no redirection makes the
/// cluster client send again a command that ran. Each call is applied exactly once.
#[test]
fn a_user_without_multi_gets_each_call_exactly_once_while_slots_move() {
    const DURING: usize = 5;
    let cluster = RedisCluster::start();
    let client = client_without_multi(&cluster);
    let tags = tags(6);
    let moved = AtomicBool::new(false);
    let sent = AtomicUsize::new(0);
    let tally = std::thread::scope(|scope| {
        let caller = scope.spawn(|| {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                let mut con = client.get_async_connection().await.unwrap();
                let mut tally = Tally::default();
                for round in 0.. {
                    if moved.load(Ordering::SeqCst) {
                        return tally;
                    }
                    let (batch, calls) = recording_batch(&tags, 3, &format!("nomulti{round}"));
                    tally_batch(batch.run_cluster_async(&mut con).await, calls, &mut tally);
                    sent.fetch_add(1, Ordering::SeqCst);
                }
                unreachable!()
            })
        });
        {
            // Every slot moves at least once, and on until batches ran meanwhile.
            let _moved = SetOnDrop(&moved);
            let before = sent.load(Ordering::SeqCst);
            reshard_all(&cluster, &tags);
            while sent.load(Ordering::SeqCst) < before + DURING {
                reshard_all(&cluster, &tags);
            }
        }
        caller.join().unwrap()
    });
    assert!(redirections(&cluster) > 0, "calls met the moves");
    assert!(
        tally.unknown.is_empty(),
        "no call's fate is unknown: {:?}",
        tally.unknown.first()
    );
    let tags: Vec<&str> = tags.iter().map(String::as_str).collect();
    check_applied_once_across(&mut cluster.connection(), &tags, &tally);
}

/// Half of a slot moved: `{half}:there` is on the target already (`ASK` for it), while
/// `{half}:here` is still on the source. A user without `MULTI` sends a batch that
/// increments both: sent as one request, the first command would run on the source and
/// the second meet `ASK`, and the cluster client would send both again, running the first
/// twice. Sent one at a time, each runs once. (The script is cached on both nodes: a
/// reload meeting `ASK` without `MULTI` fails, having not run; see the README.)
#[tokio::test]
async fn a_user_without_multi_meets_ask_mid_slot_and_each_command_runs_once() {
    let cluster = RedisCluster::start();
    let client = client_without_multi(&cluster);
    let (here, there) = ("{half}:here", "{half}:there");
    let slot = cluster.key_slot(here.as_bytes());
    let source = cluster.primary_for_key(here.as_bytes());
    let target = cluster
        .primaries()
        .into_iter()
        .find(|p| p.port() != source.port())
        .unwrap();
    let id_of = |port: u16| {
        cluster
            .topology()
            .into_iter()
            .find(|node| node.port == port)
            .unwrap()
            .id
    };
    let mut source_con = source.connection();
    for key in [here, there] {
        let () = redis::cmd("SET")
            .arg(key)
            .arg(0)
            .query(&mut source_con)
            .unwrap();
    }
    let () = redis::cmd("CLUSTER")
        .arg(&[
            "SETSLOT",
            &slot.to_string(),
            "IMPORTING",
            &id_of(source.port()),
        ])
        .query(&mut target.connection())
        .unwrap();
    let () = redis::cmd("CLUSTER")
        .arg(&[
            "SETSLOT",
            &slot.to_string(),
            "MIGRATING",
            &id_of(target.port()),
        ])
        .query(&mut source_con)
        .unwrap();
    let () = redis::cmd("MIGRATE")
        .arg(&[
            "127.0.0.1",
            &target.port().to_string(),
            "",
            "0",
            "5000",
            "KEYS",
            there,
        ])
        .query(&mut source_con)
        .unwrap();

    for node in [source, target] {
        let _: String = redis::cmd("SCRIPT")
            .arg("LOAD")
            .arg(Incr::SOURCE)
            .query(&mut node.connection())
            .unwrap();
    }

    let mut con = client.get_async_connection().await.unwrap();
    let mut batch = Batch::new();
    let first = batch.cmd::<i64>(redis::cmd("INCR").arg(here));
    let second = batch.add(Incr::call(there));
    let mut replies = batch.run_cluster_async(&mut con).await.unwrap();
    assert_eq!(replies.take(first).unwrap(), 1);
    assert_eq!(replies.take(second).unwrap(), 1);

    cluster.move_slot(slot, target, std::time::Duration::ZERO);
    let values: Vec<i64> = redis::cmd("MGET")
        .arg(&[here, there])
        .query(&mut cluster.connection())
        .unwrap();
    assert_eq!(values, [1, 1], "each command ran once");
}
