//! Typed pipelines and transactions against real servers: typed replies in order, an empty
//! script cache at any point, WATCH, the registry, and read-only scripts on a replica.

mod support;

use redis::Commands;
use redis_script::testing::RedisServer;
use redis_script::{Batch, BatchError, ErrorKind};
use redis_script_examples::testing::{Incr, ReadValue};
use redis_script_examples::{RateLimiter, Transfer};

#[test]
fn a_pipeline_gives_typed_replies_in_order() {
    let server = RedisServer::start();
    let mut con = server.connection();
    let () = con.set("balance:a", 100).unwrap();

    let mut batch = Batch::new();
    let first = batch.add(Incr::call("hits"));
    let moved = batch.add(Transfer::call("balance:a", "balance:b", 30));
    let balance = batch.cmd::<i64>(redis::cmd("GET").arg("balance:b"));
    let second = batch.add(Incr::call("hits"));
    let refused = batch.add(Transfer::call("balance:a", "balance:b", 1000));
    assert_eq!(batch.len(), 5);
    let mut replies = batch.run(&mut con).unwrap();

    assert_eq!(replies.len(), 5);
    assert_eq!(replies.take(first).unwrap(), 1);
    assert_eq!(replies.take(moved).unwrap(), "OK");
    assert_eq!(replies.take(balance).unwrap(), 30);
    assert_eq!(replies.take(second).unwrap(), 2);
    let error = replies.take(refused).unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::ErrorReply { message, .. } if message == "Insufficient balance")
    );
}

#[test]
fn a_fresh_server_runs_a_batch_in_the_order_written() {
    let server = RedisServer::start();
    let mut con = server.connection();
    assert!(!server.has_script(Incr::META.sent_sha1()));

    let mut batch = Batch::new();
    let set = batch.cmd::<()>(redis::cmd("SET").arg("n").arg(41));
    let incremented = batch.add(Incr::call("n"));
    let read = batch.cmd::<i64>(redis::cmd("GET").arg("n"));
    let mut replies = batch.run(&mut con).unwrap();

    replies.take(set).unwrap();
    assert_eq!(replies.take(incremented).unwrap(), 42);
    assert_eq!(
        replies.take(read).unwrap(),
        42,
        "the GET after the call sees its write"
    );
}

#[test]
fn calls_that_meet_noscript_mid_batch_run_once_after_it() {
    let server = RedisServer::start();
    let mut con = server.connection();

    let mut batch = Batch::new();
    let first = batch.add(Incr::call("c"));
    let flush = batch.cmd::<()>(redis::cmd("SCRIPT").arg("FLUSH"));
    let second = batch.add(Incr::call("c"));
    let read = batch.cmd::<i64>(redis::cmd("GET").arg("c"));
    let mut replies = batch.run(&mut con).unwrap();

    assert_eq!(replies.take(first).unwrap(), 1);
    replies.take(flush).unwrap();
    assert_eq!(
        replies.take(second).unwrap(),
        2,
        "sent again after loading, once"
    );
    assert_eq!(
        replies.take(read).unwrap(),
        1,
        "documented: the resent call runs after the batch"
    );
    let counter: i64 = con.get("c").unwrap();
    assert_eq!(counter, 2);
}

#[test]
fn a_raw_transaction_half_applies_on_noscript_but_a_batch_transaction_does_not() {
    let server = RedisServer::start();
    let mut con = server.connection();

    // The hazard: Redis checks EVALSHA's script at EXEC, fails that one command and runs
    // the rest of the transaction.
    let raw: redis::RedisResult<Vec<redis::Value>> = redis::pipe()
        .atomic()
        .cmd("INCR")
        .arg("raw")
        .add_command(Incr::call("raw").command().clone())
        .query(&mut con);
    assert!(raw.is_err(), "EVALSHA met NOSCRIPT inside EXEC");
    let raw_count: i64 = con.get("raw").unwrap();
    assert_eq!(raw_count, 1, "and the INCR next to it was applied anyway");

    let () = redis::cmd("SCRIPT").arg("FLUSH").query(&mut con).unwrap();
    let mut batch = Batch::transaction();
    let plain = batch.cmd::<i64>(redis::cmd("INCR").arg("tx"));
    let scripted = batch.add(Incr::call("tx"));
    let mut replies = batch.run(&mut con).unwrap();
    assert_eq!(replies.take(plain).unwrap(), 1);
    assert_eq!(replies.take(scripted).unwrap(), 2);
}

#[test]
fn a_watched_key_that_changed_aborts_the_transaction() {
    let server = RedisServer::start();
    let mut con = server.connection();
    let mut other = server.connection();
    let () = redis::cmd("WATCH").arg("guard").query(&mut con).unwrap();
    let () = other.set("guard", "changed").unwrap();

    let mut batch = Batch::transaction();
    let _ = batch.add(Incr::call("applied"));
    let error = batch.run(&mut con).unwrap_err();
    assert!(matches!(error, BatchError::WatchAborted), "{error}");
    let applied: Option<i64> = con.get("applied").unwrap();
    assert_eq!(applied, None, "nothing ran");
}

#[test]
fn a_script_redis_cannot_compile_stops_the_transaction_before_it_is_sent() {
    let server = RedisServer::start();
    let mut con = server.connection();

    let mut batch = Batch::transaction();
    let _ = batch.cmd::<i64>(redis::cmd("INCR").arg("untouched"));
    let _ = batch.add(support::broken_call());
    let error = batch.run(&mut con).unwrap_err();
    let BatchError::Load(load) = &error else {
        panic!("expected a load error, got {error:?}");
    };
    assert!(
        matches!(load.kind(), ErrorKind::Compile { line: Some(1), .. }),
        "{load:?}"
    );
    assert!(
        error.to_string().contains("lua_scripts/broken.lua:1"),
        "{error}"
    );
    let untouched: Option<i64> = con.get("untouched").unwrap();
    assert_eq!(untouched, None);
}

#[test]
fn a_transaction_checks_its_scripts_on_every_server_it_runs_on() {
    // The same script loads on `first` but not on `second`, where the default user may not
    // run SCRIPT LOAD. A check remembered from the first server must not let the
    // transaction reach the second one unchecked.
    let first = RedisServer::start();
    let second = RedisServer::start();
    let mut con = second.connection();
    let () = redis::cmd("ACL")
        .arg(&["SETUSER", "default", "-script|load"])
        .query(&mut con)
        .unwrap();
    let transaction = || {
        let mut batch = Batch::transaction();
        let _ = batch.cmd::<i64>(redis::cmd("INCR").arg("applied"));
        let counted = batch.add(Incr::call("counter"));
        (batch, counted)
    };

    let (batch, counted) = transaction();
    let mut replies = batch.run(&mut first.connection()).unwrap();
    assert_eq!(replies.take(counted).unwrap(), 1);

    let (batch, _) = transaction();
    let error = batch.run(&mut con).unwrap_err();
    let BatchError::Load(load) = &error else {
        panic!("the check must run on the second server too: {error:?}");
    };
    assert!(
        matches!(load.kind(), ErrorKind::Redis(cause) if cause.code() == Some("NOPERM")),
        "{load:?}"
    );
    let applied: Option<i64> = con.get("applied").unwrap();
    assert_eq!(applied, None, "nothing of the transaction was sent");
    let info: String = redis::cmd("INFO")
        .arg("commandstats")
        .query(&mut con)
        .unwrap();
    assert!(
        !info.contains("cmdstat_exec:"),
        "no EXEC reached the server: {info}"
    );
}

#[tokio::test]
async fn batches_run_on_async_connections() {
    let server = RedisServer::start();
    let mut con = server.async_connection().await;
    for transaction in [false, true] {
        let mut batch = support::batch(transaction);
        let a = batch.add(Incr::call("async"));
        let b = batch.add(RateLimiter::call("limit", 1, 60));
        let mut replies = batch.run_async(&mut con).await.unwrap();
        assert_eq!(replies.take(a).unwrap(), if transaction { 2 } else { 1 });
        assert_eq!(replies.take(b).unwrap(), if transaction { 0 } else { 1 });
    }
}

#[test]
fn a_slot_only_fits_its_own_batch() {
    let server = RedisServer::start();
    let mut con = server.connection();
    let mut one = Batch::new();
    let slot = one.add(Incr::call("x"));
    let mut two = Batch::new();
    let _ = two.add(Incr::call("y"));
    let mut replies = two.run(&mut con).unwrap();
    let error = replies.take(slot).unwrap_err();
    assert!(error.to_string().contains("another batch"), "{error}");
    assert!(Batch::new().run(&mut con).unwrap().is_empty());
}

#[test]
fn the_registry_lists_every_bound_script_and_loads_them_in_one_go() {
    let names: Vec<&str> = redis_script::scripts().iter().map(|m| m.name()).collect();
    for name in [
        "RateLimiter",
        "Transfer",
        "TokenBucket",
        "SlidingWindow",
        "CacheAside",
        "WriteThrough",
        "Incr",
        "ReadValue",
    ] {
        assert!(names.contains(&name), "{name} is registered: {names:?}");
    }

    let server = RedisServer::start();
    let mut con = server.connection();
    let loaded = redis_script::load_all(&mut con).unwrap();
    let libraries = redis_script::libraries();
    assert_eq!(loaded.len(), names.len() + libraries.len());
    for meta in loaded {
        match meta.library_name() {
            Some(library) => assert!(libraries.iter().any(|l| l.library_name() == Some(library))),
            None => assert!(
                server.has_script(meta.sent_sha1()),
                "{} is loaded",
                meta.name()
            ),
        }
    }
}

#[tokio::test]
async fn the_registry_loads_asynchronously_too() {
    let server = RedisServer::start();
    let mut con = server.async_connection().await;
    let loaded = redis_script::load_all_async(&mut con).await.unwrap();
    assert!(server.has_script(Transfer::META.sent_sha1()));
    assert!(loaded.iter().any(|m| m.sha1() == Transfer::SHA1));
}

#[test]
fn a_read_only_script_runs_on_a_replica_and_a_writing_one_is_refused() {
    let primary = RedisServer::start();
    let replica = RedisServer::start_replica_of(&primary);
    let mut primary_con = primary.connection();
    let () = primary_con.set("greeting", "hello").unwrap();
    let mut replica_con = replica.connection();
    // WAIT counts the replicas that acknowledged this connection's writes.
    let synced: i64 = redis::cmd("WAIT")
        .arg(1)
        .arg(5000)
        .query(&mut primary_con)
        .unwrap();
    assert_eq!(synced, 1, "the replica has the write");

    assert!(ReadValue::META.read_only());
    let packed = ReadValue::call("greeting").command().get_packed_command();
    assert!(
        packed.starts_with(b"*4\r\n$10\r\nEVALSHA_RO\r\n"),
        "no-writes goes out as EVALSHA_RO"
    );
    assert_eq!(
        ReadValue::call("greeting")
            .invoke(&mut replica_con)
            .unwrap()
            .as_deref(),
        Some("hello")
    );

    let error = Incr::call("greeting-count")
        .invoke(&mut replica_con)
        .unwrap_err();
    let ErrorKind::Raised { code, line, .. } = error.kind() else {
        panic!("expected the write refused inside the script, got {error:?}");
    };
    assert_eq!((code.as_str(), *line), ("READONLY", Some(8)));
    assert!(
        error
            .to_string()
            .starts_with("lua_scripts/testing/incr.lua:8: READONLY"),
        "{error}"
    );
    assert!(!Incr::META.read_only());
}

/// A connection of `server` as a user whose ACL refuses `MULTI`: Redis answers `MULTI`
/// with `NOPERM`, so commands sent after it run at once, one by one.
fn without_multi(server: &RedisServer) -> redis::Connection {
    let () = redis::cmd("ACL")
        .arg(&[
            "SETUSER", "nomulti", "on", "nopass", "~*", "&*", "+@all", "-multi",
        ])
        .query(&mut server.connection())
        .unwrap();
    let mut con = server.connection();
    let () = redis::cmd("AUTH")
        .arg("nomulti")
        .arg("any")
        .query(&mut con)
        .unwrap();
    con
}

#[test]
fn a_transaction_whose_multi_is_refused_says_its_commands_ran_one_by_one() {
    let server = RedisServer::start();
    let mut con = without_multi(&server);
    let mut batch = Batch::transaction();
    let first = batch.add(Incr::call("nomulti:x"));
    let second = batch.add(Incr::call("nomulti:x"));
    let error = batch.run(&mut con).unwrap_err();
    let BatchError::NotAtomic {
        refusal,
        replies: Some(mut replies),
    } = error.clone()
    else {
        panic!("not NotAtomic: {error:?}")
    };
    assert_eq!(refusal.code(), Some("NOPERM"));
    assert!(error.to_string().contains("one by one"), "{error}");
    assert_eq!(replies.take(first).unwrap(), 1);
    assert_eq!(replies.take(second).unwrap(), 2);
    let counted: i64 = con.get("nomulti:x").unwrap();
    assert_eq!(counted, 2, "each ran once");

    // A call's reload (MULTI, SCRIPT LOAD, the call, EXEC) runs the call once too.
    let () = redis::cmd("SCRIPT")
        .arg("FLUSH")
        .query(&mut server.connection())
        .unwrap();
    assert_eq!(Incr::call("nomulti:x").invoke(&mut con).unwrap(), 3);
    let counted: i64 = con.get("nomulti:x").unwrap();
    assert_eq!(counted, 3);
}

#[tokio::test]
async fn an_async_transaction_whose_multi_is_refused_says_so_too() {
    let server = RedisServer::start();
    drop(without_multi(&server));
    let client =
        redis::Client::open(format!("redis://nomulti:any@127.0.0.1:{}/", server.port())).unwrap();
    let mut con = client.get_multiplexed_async_connection().await.unwrap();
    let mut batch = Batch::transaction();
    let first = batch.add(Incr::call("nomulti:y"));
    let error = batch.run_async(&mut con).await.unwrap_err();
    let BatchError::NotAtomic {
        replies: Some(mut replies),
        ..
    } = error
    else {
        panic!("not NotAtomic: {error:?}")
    };
    assert_eq!(replies.take(first).unwrap(), 1, "it ran, once");
}
