//! Since Redis 7.4 the scripts that `EVAL` caches are evicted past 500 of them, least
//! recently used first; scripts loaded with `SCRIPT LOAD` never are. Every way this crate
//! gets a script to a server loads it with `SCRIPT LOAD`, so a client flooding the cache
//! with `EVAL` scripts costs the typed calls nothing: no `NOSCRIPT`, no reload.

mod support;

use std::sync::atomic::{AtomicBool, Ordering};

use redis_script::testing::RedisServer;
use redis_script_examples::testing::Incr;

/// Distinct scripts another client runs with `EVAL` meanwhile: past Redis 7.4's 500.
const FLOOD: usize = 600;

/// The number of `SCRIPT LOAD`s the server has run.
fn script_loads(con: &mut redis::Connection) -> u64 {
    let info: String = redis::cmd("INFO").arg("commandstats").query(con).unwrap();
    info.lines()
        .find_map(|line| line.strip_prefix("cmdstat_script|load:calls="))
        .and_then(|rest| rest.split(',').next())
        .map_or(0, |calls| calls.parse().unwrap())
}

#[test]
fn typed_calls_keep_their_scripts_while_another_client_floods_the_cache() {
    let server = RedisServer::start();
    let mut con = server.connection();
    redis_script::load_all(&mut con).unwrap();
    let loads_before = script_loads(&mut con);
    let flooding = AtomicBool::new(true);
    let calls = std::thread::scope(|scope| {
        scope.spawn(|| {
            let mut flooder = server.connection();
            for i in 0..FLOOD {
                let () = redis::cmd("EVAL")
                    .arg(format!("return nil -- flood {i}"))
                    .arg(0)
                    .query(&mut flooder)
                    .unwrap();
            }
            flooding.store(false, Ordering::SeqCst);
        });
        let mut calls = 0_i64;
        while flooding.load(Ordering::SeqCst) || calls < 50 {
            calls += 1;
            let single = Incr::call("counter").invoke(&mut con).unwrap();
            let transaction = calls % 2 == 0;
            let mut batch = support::batch(transaction);
            let in_batch = batch.add(Incr::call("counter"));
            let mut replies = batch.run(&mut con).unwrap();
            assert_eq!(replies.take(in_batch).unwrap(), single + 1);
        }
        calls
    });
    let counter: i64 = redis::cmd("GET").arg("counter").query(&mut con).unwrap();
    assert_eq!(counter, 2 * calls, "every call ran once");
    assert!(
        server.has_script(Incr::META.sent_sha1()),
        "the script is still loaded"
    );
    // Batches load their scripts inline, and transactions check them: those are the only
    // SCRIPT LOADs; no call met NOSCRIPT and reloaded.
    let loads = script_loads(&mut con) - loads_before;
    let batches = u64::try_from(calls).unwrap();
    let transactions = batches / 2;
    assert_eq!(loads, batches + transactions, "no reload after NOSCRIPT");
}

/// A call that meets `NOSCRIPT` loads its script, then runs it with its source: the load
/// first makes the server keep it (a script that `EVAL` created would stay evictable on
/// Redis 8.0 even after a `SCRIPT LOAD` of it), so a flood afterwards leaves it there.
#[test]
fn a_script_a_call_reloads_is_kept_through_a_flood() {
    let server = RedisServer::start();
    let mut con = server.connection();
    assert!(!server.has_script(Incr::META.sent_sha1()));
    assert_eq!(Incr::call("counter").invoke(&mut con).unwrap(), 1);
    assert_eq!(script_loads(&mut con), 1, "the call loaded its script");
    for i in 0..FLOOD {
        let () = redis::cmd("EVAL")
            .arg(format!("return nil -- flood {i}"))
            .arg(0)
            .query(&mut con)
            .unwrap();
    }
    assert!(
        server.has_script(Incr::META.sent_sha1()),
        "the script outlived the flood"
    );
    assert_eq!(Incr::call("counter").invoke(&mut con).unwrap(), 2);
    assert_eq!(
        script_loads(&mut con),
        1,
        "and the next call needed no reload"
    );
}
