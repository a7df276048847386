//! Redis Functions bound with `#[redis_library]`, against real servers: typed `FCALL` and
//! `FCALL_RO` calls, loading on "Function not found" (also under a `FUNCTION FLUSH` loop,
//! exactly once), another version of a library, errors mapped to the library file,
//! batches and transactions, a replica, and a cluster with a failover.

mod support;

use std::sync::atomic::{AtomicBool, Ordering};

use redis::ConnectionLike;
use redis_script::testing::{RedisCluster, RedisServer};
use redis_script::{Batch, BatchError, Deployed, ErrorKind, Library, ScriptKind, ScriptMeta};
use redis_script_examples::testing::{Ledger, LedgerError};
use redis_script_examples::{RateLimit, RateLimitError};
use support::exactly_once::{Seen, Tally, check_applied_once, record_keys};
use support::{SetOnDrop, command_stats};

/// The libraries the server behind `con` has, by name.
fn libraries_on(con: &mut dyn ConnectionLike) -> Vec<String> {
    let listed: Vec<redis::Value> = redis::cmd("FUNCTION").arg("LIST").query(con).unwrap();
    listed
        .iter()
        .filter_map(|library| match library {
            redis::Value::Array(fields) => fields
                .chunks(2)
                .find(|pair| pair[0] == redis::Value::BulkString(b"library_name".to_vec()))
                .and_then(|pair| redis::from_redis_value_ref::<String>(&pair[1]).ok()),
            redis::Value::Map(fields) => fields
                .iter()
                .find(|(key, _)| *key == redis::Value::BulkString(b"library_name".to_vec()))
                .and_then(|(_, name)| redis::from_redis_value_ref::<String>(name).ok()),
            _ => None,
        })
        .collect()
}

/// `FUNCTION FLUSH` on the server behind `con`.
fn flush_functions(con: &mut dyn ConnectionLike) {
    let () = redis::cmd("FUNCTION").arg("FLUSH").query(con).unwrap();
}

/// Loads `source` as the library, replacing what is there: another version of it.
fn load_other_version(con: &mut dyn ConnectionLike, source: &str) {
    let _: String = redis::cmd("FUNCTION")
        .arg("LOAD")
        .arg("REPLACE")
        .arg(source)
        .query(con)
        .unwrap();
}

/// An older `ratelimit` library: `allow` only, always allowing.
const RATELIMIT_V0: &str =
    "#!lua name=ratelimit\nredis.register_function('allow', function(keys, args) return 1 end)\n";

#[test]
fn typed_function_calls_load_their_library_on_an_empty_server() {
    let server = RedisServer::start();
    let mut con = server.connection();
    assert!(
        libraries_on(&mut con).is_empty(),
        "a fresh server has no library"
    );

    let allow = RateLimit::allow("fn:visits", 2, 60);
    assert_eq!(allow.invoke(&mut con).unwrap(), 1);
    assert_eq!(libraries_on(&mut con), ["ratelimit"]);
    assert_eq!(allow.invoke(&mut con).unwrap(), 1);
    assert_eq!(
        allow.invoke(&mut con).unwrap(),
        0,
        "the third call is over the limit"
    );
    assert_eq!(RateLimit::hits("fn:visits").invoke(&mut con).unwrap(), 3);
    assert_eq!(RateLimit::reset("fn:visits").invoke(&mut con).unwrap(), 1);
    assert_eq!(RateLimit::hits("fn:visits").invoke(&mut con).unwrap(), 0);

    // One FUNCTION LOAD: the first call met "Function not found", loaded, ran once more.
    assert_eq!(command_stats(&server, &["function|load"], &["calls"]), 1);
    assert_eq!(command_stats(&server, &["fcall"], &["calls"]), 5);
    assert_eq!(command_stats(&server, &["fcall_ro"], &["calls"]), 2);
    assert_eq!(command_stats(&server, &["evalsha", "eval"], &["calls"]), 0);

    let meta = <RateLimit as Library>::LIBRARY;
    assert!(matches!(
        meta.kind(),
        ScriptKind::Library { name: "ratelimit" }
    ));
    assert_eq!(RateLimit::NAME, "ratelimit");
    let call = RateLimit::hits("k");
    assert_eq!(call.script().function_name(), Some("hits"));
    assert!(call.script().read_only());
    assert_eq!(
        call.script().describe(),
        "function hits of library ratelimit"
    );
}

#[tokio::test]
async fn async_function_calls_load_their_library_too() {
    let server = RedisServer::start();
    let mut con = server.async_connection().await;
    let allow = RateLimit::allow("fn:async", 5, 60);
    assert_eq!(allow.invoke_async(&mut con).await.unwrap(), 1);
    assert_eq!(
        RateLimit::hits("fn:async")
            .invoke_async(&mut con)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        RateLimit::LIBRARY.deployed_async(&mut con).await.unwrap(),
        Deployed::Current
    );
}

#[test]
fn function_errors_point_at_the_library_file_and_map_declared_codes() {
    let server = RedisServer::start();
    let mut con = server.connection();
    let () = redis::cmd("SET")
        .arg("fn:text")
        .arg("x")
        .query(&mut con)
        .unwrap();

    let lua = Ledger::fail("fn:text", "lua").invoke(&mut con).unwrap_err();
    assert!(matches!(lua.kind(), ErrorKind::Lua { .. }), "{lua:?}");
    let at = lua.location().expect("a Lua error has a line");
    assert_eq!(at.path(), "lua_scripts/testing/ledger.lua");
    assert_eq!(at.line(), 32);
    let shown = lua.to_string();
    assert!(
        shown.starts_with("lua_scripts/testing/ledger.lua:32: Lua error: "),
        "{shown}"
    );
    assert!(shown.contains("32 |     return missing.field"), "{shown}");
    assert!(
        shown.contains("in function fail of library ledger"),
        "{shown}"
    );
    assert!(lua.may_have_run());

    let closed = Ledger::fail("fn:text", "closed")
        .invoke(&mut con)
        .unwrap_err();
    assert_eq!(Ledger::error_of(&closed), Some(LedgerError::LedgerClosed));
    let wrongtype = Ledger::fail("fn:text", "wrongtype")
        .invoke(&mut con)
        .unwrap_err();
    assert_eq!(wrongtype.code(), Some("WRONGTYPE"));
    assert_eq!(wrongtype.location().map(|at| at.line()), Some(36));

    let bad_limit = RateLimit::allow("fn:limit", 0, 60)
        .invoke(&mut con)
        .unwrap_err();
    assert_eq!(
        RateLimit::error_of(&bad_limit),
        Some(RateLimitError::BadLimit)
    );
}

#[test]
fn function_calls_all_succeed_exactly_once_under_a_tight_function_flush_loop() {
    const CALLERS: usize = 2;
    const CALLS: usize = 200;
    let server = RedisServer::start();
    let stop = AtomicBool::new(false);
    let tally = std::thread::scope(|scope| {
        scope.spawn(|| {
            // No pause: a flush can land between any two commands of a caller.
            let mut con = server.connection();
            while !stop.load(Ordering::SeqCst) {
                flush_functions(&mut con);
            }
        });
        let _stop = SetOnDrop(&stop);
        let callers: Vec<_> = (0..CALLERS)
            .map(|caller| {
                let server = &server;
                scope.spawn(move || {
                    let (log, count) = record_keys("flush");
                    let mut con = server.connection();
                    let mut tally = Tally::default();
                    for step in 0..CALLS {
                        let id = format!("{caller}-{step}");
                        let outcome = Ledger::record(&log, &count, &id).invoke(&mut con);
                        if let Err(error) = &outcome {
                            panic!("call {id} failed under the flush loop: {error}");
                        }
                        tally.record(vec![id], &Seen::of_call(&outcome));
                    }
                    tally
                })
            })
            .collect();
        let mut tally = Tally::default();
        for caller in callers {
            tally.merge(caller.join().unwrap());
        }
        tally
    });
    let loads = command_stats(&server, &["function|load"], &["calls"]);
    assert!(
        loads > 10,
        "the flushes made calls load the library again ({loads} loads)"
    );
    assert_eq!(tally.ran.len(), CALLERS * CALLS, "every call succeeded");
    check_applied_once(&mut server.connection(), "flush", &tally);
}

/// A caller's `WATCH` survives a call that reloads its code on the same connection (a
/// script comes back as `EVAL`, a library is loaded alone, then the call): a change to
/// the watched key still aborts the caller's transaction.
#[test]
fn a_reload_leaves_the_connection_s_watch_in_place() {
    let server = RedisServer::start();
    let mut con = server.connection();
    let mut other = server.connection();
    for kind in ["script", "function"] {
        let () = redis::cmd("SCRIPT").arg("FLUSH").query(&mut con).unwrap();
        flush_functions(&mut con);
        let () = redis::cmd("WATCH").arg("watched").query(&mut con).unwrap();
        match kind {
            "script" => {
                let hits = redis_script_examples::testing::Incr::call("counter")
                    .invoke(&mut con)
                    .unwrap();
                assert!(hits > 0);
            }
            _ => {
                let _ = Ledger::record("{w}:log", "{w}:count", kind)
                    .invoke(&mut con)
                    .unwrap();
            }
        }
        let () = redis::cmd("SET")
            .arg("watched")
            .arg(kind)
            .query(&mut other)
            .unwrap();
        let exec: Option<Vec<String>> = redis::pipe()
            .atomic()
            .cmd("SET")
            .arg("watched")
            .arg("mine")
            .query(&mut con)
            .unwrap();
        assert_eq!(
            exec, None,
            "{kind}: the change to the watched key aborted EXEC"
        );
    }
}

/// Inside `MULTI`, a `FUNCTION LOAD` that finds its library there fails alone, and the
/// call after it still runs: what a call's reload relies on, on every server.
#[test]
fn a_load_that_finds_the_library_there_does_not_stop_the_call_in_its_transaction() {
    let server = RedisServer::start();
    let mut con = server.connection();
    RateLimit::LIBRARY.load(&mut con).unwrap();
    let pipeline = redis::pipe()
        .cmd("MULTI")
        .cmd("FUNCTION")
        .arg("LOAD")
        .arg(RateLimit::SOURCE)
        .cmd("FCALL")
        .arg("allow")
        .arg(1)
        .arg("fn:multi")
        .arg(5)
        .arg(60)
        .cmd("EXEC")
        .to_owned();
    // Every reply, as sent: redis-rs's `query` turns the error inside EXEC's into its own.
    let replies = con
        .req_packed_commands(&pipeline.get_packed_pipeline(), 0, 4)
        .unwrap();
    let redis::Value::Array(exec) = &replies[3] else {
        panic!("EXEC ran: {replies:?}")
    };
    assert!(
        matches!(&exec[0], redis::Value::ServerError(e) if e.details().unwrap_or_default().contains("already exists")),
        "{exec:?}"
    );
    assert_eq!(exec[1], redis::Value::Int(1), "the call ran: {exec:?}");
}

#[test]
fn another_version_of_a_library_is_reported_and_never_replaced_by_calls() {
    let server = RedisServer::start();
    let mut con = server.connection();
    load_other_version(&mut con, RATELIMIT_V0);
    assert!(matches!(
        RateLimit::LIBRARY.deployed(&mut con).unwrap(),
        Deployed::Other { .. }
    ));

    // `hits` is not in the server's version: the call loads without REPLACE, finds the
    // other version there, and reports it; nothing ran and nothing was replaced.
    let error = RateLimit::hits("fn:v").invoke(&mut con).unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::LibraryMismatch { .. }),
        "{error}"
    );
    assert!(!error.may_have_run());
    assert!(
        error.to_string().contains("RateLimit::LIBRARY.load"),
        "{error}"
    );
    assert!(matches!(
        RateLimit::LIBRARY.deployed(&mut con).unwrap(),
        Deployed::Other { .. }
    ));

    // load_all refuses to start on another version.
    let error = redis_script::load_all(&mut con).unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::LibraryMismatch { .. }),
        "{error}"
    );

    // The explicit roll-out replaces it.
    RateLimit::LIBRARY.load(&mut con).unwrap();
    assert_eq!(
        RateLimit::LIBRARY.deployed(&mut con).unwrap(),
        Deployed::Current
    );
    assert_eq!(RateLimit::hits("fn:v").invoke(&mut con).unwrap(), 0);
    redis_script::load_all(&mut con).unwrap();
}

#[test]
fn load_all_loads_every_library_and_checks_it() {
    let server = RedisServer::start();
    let mut con = server.connection();
    let loaded = redis_script::load_all(&mut con).unwrap();
    let libraries: Vec<&str> = loaded
        .iter()
        .filter_map(|meta| meta.library_name())
        .collect();
    assert!(libraries.contains(&"ratelimit") && libraries.contains(&"ledger"));
    let mut on_server = libraries_on(&mut con);
    on_server.sort();
    assert_eq!(on_server, ["ledger", "ratelimit", "unions"]);
    // Loading again finds the same code and succeeds.
    redis_script::load_all(&mut con).unwrap();
    assert_eq!(
        Ledger::LIBRARY.deployed(&mut con).unwrap(),
        Deployed::Current
    );
    flush_functions(&mut con);
    assert_eq!(
        Ledger::LIBRARY.deployed(&mut con).unwrap(),
        Deployed::Missing
    );
}

/// A batch (or transaction) of function calls, a script call and a command.
fn mixed_batch(transaction: bool) -> (Batch, [redis_script::Slot<i64>; 3]) {
    let mut batch = support::batch(transaction);
    let allow = batch.add(RateLimit::allow("fn:batch", 10, 60));
    let _ = batch.cmd::<()>(redis::cmd("SET").arg("fn:batch:plain").arg("v"));
    let record = batch.add(Ledger::record("{b}:log", "{b}:count", "first"));
    let hits = batch.add(RateLimit::hits("fn:batch"));
    (batch, [allow, record, hits])
}

#[test]
fn function_calls_in_batches_and_transactions_work_on_an_empty_server() {
    for transaction in [false, true] {
        let server = RedisServer::start();
        let mut con = server.connection();
        let (batch, [allow, record, hits]) = mixed_batch(transaction);
        let mut replies = batch.run(&mut con).unwrap();
        assert_eq!(replies.take(allow).unwrap(), 1);
        assert_eq!(replies.take(record).unwrap(), 1);
        assert_eq!(replies.take(hits).unwrap(), 1);
        // Once more, with the libraries there.
        let (batch, [allow, _, hits]) = mixed_batch(transaction);
        let mut replies = batch.run(&mut con).unwrap();
        assert_eq!(replies.take(allow).unwrap(), 1);
        assert_eq!(replies.take(hits).unwrap(), 2);
    }
}

#[tokio::test]
async fn a_batch_whose_library_was_flushed_midway_still_runs_each_call_once() {
    let server = RedisServer::start();
    let mut con = server.async_connection().await;
    let (log, count) = record_keys("batch-flush");
    let mut batch = Batch::new();
    let mut slots = Vec::new();
    for i in 0..50 {
        slots.push(batch.add(Ledger::record(&log, &count, format!("id-{i}"))));
        if i == 20 {
            // Another client flushing mid-batch is simulated by the batch itself.
            let _ = batch.cmd::<()>(redis::cmd("FUNCTION").arg("FLUSH"));
        }
    }
    let mut replies = batch.run_async(&mut con).await.unwrap();
    let counts: Vec<i64> = slots
        .into_iter()
        .map(|slot| replies.take(slot).unwrap())
        .collect();
    let mut sorted = counts.clone();
    sorted.sort();
    assert_eq!(
        sorted,
        (1..=50).collect::<Vec<i64>>(),
        "every call ran once"
    );
    let recorded: i64 = Ledger::recorded(&count)
        .invoke_async(&mut con)
        .await
        .unwrap();
    assert_eq!(recorded, 50);
}

#[test]
fn a_transaction_meeting_another_library_version_fails_before_anything_runs() {
    let server = RedisServer::start();
    let mut con = server.connection();
    load_other_version(&mut con, RATELIMIT_V0);
    let (batch, _) = mixed_batch(true);
    match batch.run(&mut con) {
        Err(BatchError::Load(error)) => {
            assert!(
                matches!(error.kind(), ErrorKind::LibraryMismatch { .. }),
                "{error}"
            );
        }
        other => panic!("expected a load failure, got {other:?}"),
    }
    let plain: Option<String> = redis::cmd("GET")
        .arg("fn:batch:plain")
        .query(&mut con)
        .unwrap();
    assert_eq!(plain, None, "nothing of the transaction ran");
}

#[test]
fn a_no_writes_function_runs_on_a_replica() {
    let primary = RedisServer::start();
    let replica = RedisServer::start_replica_of(&primary);
    let mut on_primary = primary.connection();
    redis_script::load_all(&mut on_primary).unwrap();
    RateLimit::allow("fn:replica", 10, 60)
        .invoke(&mut on_primary)
        .unwrap();
    let acknowledged: i64 = redis::cmd("WAIT")
        .arg(1)
        .arg(5000)
        .query(&mut on_primary)
        .unwrap();
    assert_eq!(acknowledged, 1);

    let mut on_replica = replica.connection();
    assert_eq!(
        RateLimit::hits("fn:replica")
            .invoke(&mut on_replica)
            .unwrap(),
        1
    );
    assert_eq!(command_stats(&replica, &["fcall_ro"], &["calls"]), 1);
    // A writing function is refused there, and did not run.
    let error = RateLimit::allow("fn:replica", 10, 60)
        .invoke(&mut on_replica)
        .unwrap_err();
    assert!(!error.may_have_run(), "{error}");
    assert!(
        matches!(error.kind(), ErrorKind::Redis(cause) if cause.code() == Some("READONLY")),
        "{error:?}"
    );
}

/// The libraries each primary of `cluster` has.
fn libraries_per_primary(cluster: &RedisCluster) -> Vec<Vec<String>> {
    cluster
        .primaries()
        .iter()
        .map(|node| libraries_on(&mut node.connection()))
        .collect()
}

#[test]
fn function_libraries_load_on_every_primary_with_a_report_per_node() {
    let cluster = RedisCluster::start();
    let mut con = cluster.connection();
    let reports = RateLimit::LIBRARY.load_cluster(&mut con).unwrap();
    assert_eq!(reports.len(), 3, "{reports:?}");
    assert!(
        reports.iter().all(|report| report.outcome.is_ok()),
        "{reports:?}"
    );
    let mut nodes: Vec<String> = reports.into_iter().map(|report| report.node).collect();
    nodes.sort();
    let mut primaries: Vec<String> = cluster
        .primaries()
        .iter()
        .map(|node| format!("127.0.0.1:{}", node.port()))
        .collect();
    primaries.sort();
    assert_eq!(nodes, primaries);
    assert!(
        libraries_per_primary(&cluster)
            .iter()
            .all(|names| names == &["ratelimit"])
    );
    // The sync cluster client sends each load to every primary itself.
    redis_script::load_all(&mut con).unwrap();
    for mut names in libraries_per_primary(&cluster) {
        names.sort();
        assert_eq!(names, ["ledger", "ratelimit", "unions"]);
    }

    // One primary gets another version: load_all names it.
    let odd = cluster.primaries()[1];
    load_other_version(&mut odd.connection(), RATELIMIT_V0);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let error = runtime
        .block_on(async {
            let mut con = cluster.async_connection().await;
            redis_script::load_all_cluster_async(&mut con).await
        })
        .unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::LibraryMismatch { .. }),
        "{error}"
    );
    assert_eq!(
        error.node(),
        Some(format!("127.0.0.1:{}", odd.port()).as_str())
    );
    assert!(
        error
            .to_string()
            .contains(&format!("on node 127.0.0.1:{}", odd.port()))
    );
}

#[test]
fn function_calls_on_a_cluster_load_their_library_on_the_node_of_their_keys() {
    let cluster = RedisCluster::start();
    let mut con = cluster.connection();
    for tag in ["a", "b", "c", "d", "e", "f"] {
        let key = format!("{{{tag}}}:visits");
        assert_eq!(
            RateLimit::allow(&key, 5, 60)
                .invoke_cluster(&mut con)
                .unwrap(),
            1
        );
        assert_eq!(RateLimit::hits(&key).invoke_cluster(&mut con).unwrap(), 1);
        let owner = cluster.primary_for_key(tag.as_bytes());
        assert_eq!(libraries_on(&mut owner.connection()), ["ratelimit"]);
    }
}

#[tokio::test]
async fn async_function_calls_and_batches_work_on_an_empty_cluster() {
    let cluster = RedisCluster::start();
    let mut con = cluster.async_connection().await;
    let key = "{async}:visits";
    assert_eq!(
        RateLimit::allow(key, 5, 60)
            .invoke_cluster_async(&mut con)
            .await
            .unwrap(),
        1
    );
    flush_functions(&mut cluster.primary_for_key(b"async").connection());
    let mut batch = Batch::new();
    let allow = batch.add(RateLimit::allow(key, 5, 60));
    let hits = batch.add(RateLimit::hits(key));
    let mut replies = batch.run_cluster_async(&mut con).await.unwrap();
    assert_eq!(
        replies.take(allow).unwrap(),
        1,
        "the flush forgot nothing but the library"
    );
    assert_eq!(replies.take(hits).unwrap(), 2);
}

#[test]
fn a_sync_cluster_batch_of_function_calls_loads_the_library_on_its_node() {
    for transaction in [false, true] {
        let cluster = RedisCluster::start();
        let mut con = cluster.connection();
        let (log, count) = record_keys("cluster-batch");
        let mut batch = support::batch(transaction);
        let first = batch.add(Ledger::record(&log, &count, "one"));
        let second = batch.add(Ledger::record(&log, &count, "two"));
        let read = batch.add(Ledger::recorded(&count));
        let mut replies = batch.run_cluster(&mut con).unwrap();
        assert_eq!(replies.take(first).unwrap(), 1);
        assert_eq!(replies.take(second).unwrap(), 2);
        assert_eq!(replies.take(read).unwrap(), 2);
        let owner = cluster.primary_for_key(b"cluster-batch");
        assert_eq!(libraries_on(&mut owner.connection()), ["ledger"]);
    }
}

#[test]
fn a_failover_under_function_calls_applies_each_exactly_once() {
    const BEFORE: usize = 150;
    const AFTER: usize = 150;
    let cluster = RedisCluster::start();
    let tag = "fn-failover";
    let (log, count) = record_keys(tag);
    let owner = cluster.primary_for_key(tag.as_bytes());
    let replica = cluster.replicas_of(owner)[0];
    let mut con = cluster.connection();
    let meta: &ScriptMeta = Ledger::LIBRARY;
    let reports = meta.load_cluster(&mut con).unwrap();
    assert!(reports.iter().all(|report| report.outcome.is_ok()));
    let mut tally = Tally::default();
    for step in 0..BEFORE + AFTER {
        if step == BEFORE {
            cluster.failover(replica);
        }
        let id = format!("call-{step}");
        let outcome = Ledger::record(&log, &count, &id).invoke_cluster(&mut con);
        let seen = Seen::of_call(&outcome);
        if step >= BEFORE {
            assert!(
                matches!(seen, Seen::Ran),
                "calls after the failover work: {seen:?}"
            );
        }
        tally.record(vec![id], &seen);
    }
    assert_eq!(
        cluster.primary_for_key(tag.as_bytes()).port(),
        replica.port()
    );
    assert_eq!(
        libraries_on(&mut replica.connection()),
        ["ledger"],
        "the new primary had the library from replication"
    );
    check_applied_once(&mut cluster.connection(), tag, &tally);
}

#[test]
fn a_busy_function_is_stopped_with_function_kill() {
    let server = RedisServer::start_with(&["--busy-reply-threshold", "100"]);
    let mut spin_con = server.connection();
    Ledger::LIBRARY.load(&mut spin_con).unwrap();
    let spin = std::thread::spawn(move || Ledger::spin::<redis::Value>().invoke(&mut spin_con));

    let mut con = server.connection();
    let busy = support::until_busy(&mut con);
    assert!(!busy.may_have_run());
    assert_eq!(
        redis_script::kill_running_script(&mut con).unwrap(),
        redis_script::KillOutcome::Killed
    );
    let killed = spin.join().unwrap().unwrap_err();
    assert!(
        matches!(killed.kind(), ErrorKind::Killed { line: Some(_) }),
        "{killed:?}"
    );
    assert_eq!(
        killed.location().unwrap().path(),
        "lua_scripts/testing/ledger.lua"
    );
    assert!(
        killed.to_string().contains("stopped by FUNCTION KILL"),
        "{killed}"
    );
    assert!(
        Ledger::spin::<()>()
            .ldb_command()
            .starts_with("# Redis's Lua debugger")
    );
}

/// A transaction of `no-writes` function calls on a client that reads from replicas goes
/// to the primary of its slot, where its library can be loaded (a replica refuses
/// `FUNCTION LOAD` with `READONLY`).
#[tokio::test]
async fn async_cluster_transactions_of_read_only_functions_load_on_the_primary() {
    let cluster = RedisCluster::start();
    let client = redis::cluster::ClusterClientBuilder::new(cluster.urls())
        .read_routing_strategy(redis::cluster_read_routing::RandomReplicaStrategy)
        .build()
        .unwrap();
    let mut con = client.get_async_connection().await.unwrap();
    for round in 0..30 {
        for primary in cluster.primaries() {
            flush_functions(&mut primary.connection());
        }
        let mut batch = Batch::transaction();
        let first = batch.add(RateLimit::hits(format!("{{ro{round}}}:visits")));
        let second = batch.add(RateLimit::hits(format!("{{ro{round}}}:visits")));
        let mut replies = batch.run_cluster_async(&mut con).await.unwrap();
        assert_eq!(replies.take(first).unwrap(), 0);
        assert_eq!(replies.take(second).unwrap(), 0);
    }
}

/// Function calls on a cluster under a tight `FUNCTION FLUSH` loop on every primary: each
/// reloads its library with the call in one transaction, so every call succeeds, once.
#[test]
fn cluster_function_calls_all_succeed_exactly_once_under_a_flush_loop() {
    const CALLS: usize = 150;
    let cluster = RedisCluster::start();
    let tags = ["fa", "fb", "fc", "fd"];
    let stop = AtomicBool::new(false);
    let tally = std::thread::scope(|scope| {
        scope.spawn(|| {
            let mut cons: Vec<_> = cluster.primaries().iter().map(|p| p.connection()).collect();
            while !stop.load(Ordering::SeqCst) {
                for con in &mut cons {
                    flush_functions(con);
                }
            }
        });
        let _stop = SetOnDrop(&stop);
        let sync = scope.spawn(|| {
            let mut con = cluster.connection();
            let mut tally = Tally::default();
            for step in 0..CALLS {
                let (log, count) = record_keys(tags[step % tags.len()]);
                let id = format!("sync-{step}");
                let outcome = Ledger::record(&log, &count, &id).invoke_cluster(&mut con);
                if let Err(error) = &outcome {
                    panic!("{id} failed under the flush loop: {error}");
                }
                tally.record(vec![id], &Seen::of_call(&outcome));
            }
            tally
        });
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let mut tally = runtime.block_on(async {
            let mut con = cluster.async_connection().await;
            let mut tally = Tally::default();
            for step in 0..CALLS {
                let (log, count) = record_keys(tags[step % tags.len()]);
                let id = format!("async-{step}");
                let outcome = Ledger::record(&log, &count, &id)
                    .invoke_cluster_async(&mut con)
                    .await;
                if let Err(error) = &outcome {
                    panic!("{id} failed under the flush loop: {error}");
                }
                tally.record(vec![id], &Seen::of_call(&outcome));
            }
            tally
        });
        tally.merge(sync.join().unwrap());
        tally
    });
    assert_eq!(tally.ran.len(), 2 * CALLS);
    support::exactly_once::check_applied_once_across(&mut cluster.connection(), &tags, &tally);
}
