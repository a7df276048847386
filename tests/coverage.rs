//! Line coverage on real servers (feature `coverage`): exact counts for a script with
//! branches and an included helper, a function library, a batch, a transaction and a
//! cluster call, counts that survive `SCRIPT FLUSH` and a restart, and replies, errors and
//! data that are the same with coverage on and off.

use std::sync::{Mutex, MutexGuard};

use redis_script::Batch;
use redis_script::coverage::{Report, set_recording};
use redis_script::testing::{RedisCluster, RedisServer};
use redis_script_examples::testing::{Classify, Failures, ReadValue, Unions, UnionsNextItemReply};

/// Recording is one switch for the process: the tests of this file take turns.
fn recording(on: bool) -> MutexGuard<'static, ()> {
    static TURN: Mutex<()> = Mutex::new(());
    let turn = TURN.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    set_recording(on);
    turn
}

/// The counts the servers logged, over the lines this program's scripts can run.
fn report_of(servers: &[&RedisServer]) -> Report {
    let mut report = Report::of_this_program();
    for server in servers {
        report.add_log(&server.log());
    }
    report
}

/// `(line, count)` of each line of `file` that can run.
fn counts(report: &Report, file: &str) -> Vec<(u32, u64)> {
    report
        .files()
        .find(|(path, _)| path.ends_with(file))
        .map(|(_, lines)| lines.iter().map(|(l, h)| (*l, *h)).collect())
        .unwrap_or_else(|| panic!("{file} is not in the report"))
}

/// Scores 5 (low), 50 (middle), 100 (high) and -1 (refused) added to `total`, then 5 added
/// to a total in debt (`DEBT`): each branch of `classify.lua` and of its helper.
const SCORES: [(&str, i64); 5] = [
    ("total", 5),
    ("total", 50),
    ("total", 100),
    ("total", -1),
    (DEBT.0, 5),
];

/// A total in debt, set before `SCORES` run: the helper's `value < low` branch.
const DEBT: (&str, i64) = ("debt", -50);

/// What `SCORES` make `classify.lua` and its helper run: every line.
const CLASSIFY: [(u32, u64); 8] = [
    (15, 5),
    (16, 5),
    (17, 1),
    (19, 4),
    (20, 4),
    (21, 1),
    (23, 2),
    (25, 1),
];
const CLAMP: [(u32, u64); 6] = [(4, 5), (5, 4), (6, 1), (8, 3), (9, 1), (11, 2)];

/// What `SCORES` give: each reply, or the error's code.
const REPLIES: [&str; 5] = ["low", "middle", "high", "NEGATIVE", "low"];

/// Sets the total in debt.
fn owe(con: &mut dyn redis::ConnectionLike) {
    let () = redis::cmd("SET")
        .arg(DEBT.0)
        .arg(DEBT.1)
        .query(con)
        .unwrap();
}

/// A call of `classify.lua` on a connection: `(con, key, score)` to its reply.
type ClassifyOn<'a> = dyn FnMut(&mut dyn redis::ConnectionLike, &str, i64) -> Result<String, redis_script::Error>
    + 'a;

/// Sets the total in debt, then classifies `SCORES` through `call`: each reply, or the
/// error's code.
fn classify_all(con: &mut dyn redis::ConnectionLike, call: &mut ClassifyOn<'_>) -> Vec<String> {
    owe(con);
    SCORES
        .iter()
        .map(|(key, score)| match call(con, key, *score) {
            Ok(reply) => reply,
            Err(error) => error.code().unwrap_or_default().to_owned(),
        })
        .collect()
}

/// Checks the counts of `SCORES` run once through `classify.lua`.
fn assert_ran_scores_once(report: &Report) {
    assert_eq!(counts(report, "lua_scripts/testing/classify.lua"), CLASSIFY);
    assert_eq!(
        counts(report, "lua_scripts/testing/includes/clamp.lua"),
        CLAMP
    );
}

#[test]
fn a_script_with_branches_counts_each_line_and_its_helper_in_its_own_file() {
    let _turn = recording(true);
    let server = RedisServer::start();
    let mut con = server.connection();
    let replies = classify_all(&mut con, &mut |con, key, score| {
        Classify::call(key, score).invoke(con)
    });
    assert_eq!(replies, REPLIES);
    let report = report_of(&[&server]);
    assert_ran_scores_once(&report);
    // The tracefile names the files as written, with the same counts.
    let lcov = report.lcov();
    let clamp = lcov
        .split("end_of_record")
        .find(|record| record.contains("includes/clamp.lua"))
        .unwrap();
    assert!(
        clamp.contains("DA:4,5\nDA:5,4\nDA:6,1\nDA:8,3\nDA:9,1\nDA:11,2\nLF:6\nLH:6\n"),
        "{clamp}"
    );
}

#[test]
fn batches_and_transactions_count_each_call() {
    let _turn = recording(true);
    let server = RedisServer::start();
    let mut con = server.connection();
    owe(&mut con);
    // The first three calls in a batch, the other two in a transaction.
    let mut seen = Vec::new();
    for (mut batch, calls) in [
        (Batch::new(), &SCORES[..3]),
        (Batch::transaction(), &SCORES[3..]),
    ] {
        let slots: Vec<_> = calls
            .iter()
            .map(|(key, score)| batch.add(Classify::call(key, *score)))
            .collect();
        let mut replies = batch.run(&mut con).unwrap();
        for slot in slots {
            seen.push(match replies.take(slot) {
                Ok(reply) => reply,
                Err(error) => error.code().unwrap_or_default().to_owned(),
            });
        }
    }
    assert_eq!(seen, REPLIES);
    assert_ran_scores_once(&report_of(&[&server]));
}

#[test]
fn a_function_library_counts_its_callbacks_and_what_ran_when_it_loaded() {
    let _turn = recording(true);
    let server = RedisServer::start();
    let mut con = server.connection();
    let _: i64 = redis::cmd("RPUSH")
        .arg("queue")
        .arg("x")
        .query(&mut con)
        .unwrap();
    let next = Unions::next_item("queue");
    assert_eq!(
        next.invoke(&mut con).unwrap(),
        UnionsNextItemReply::Item("x".to_owned(), 0)
    );
    assert_eq!(next.invoke(&mut con).unwrap(), UnionsNextItemReply::Ttl(-2));
    let report = report_of(&[&server]);
    // Loaded once (lines 8 and 16 ran then), called twice: with an item, then without.
    assert_eq!(
        counts(&report, "lua_scripts/testing/unions.lua"),
        [(8, 1), (9, 2), (10, 2), (11, 1), (13, 1), (16, 1)]
    );
}

#[test]
fn a_cluster_call_is_counted_on_its_node() {
    let _turn = recording(true);
    let cluster = RedisCluster::start();
    let mut con = cluster.connection();
    let replies = classify_all(&mut con, &mut |_, key, score| {
        Classify::call(key, score).invoke_cluster(&mut cluster.connection())
    });
    assert_eq!(replies, REPLIES);
    assert_ran_scores_once(&report_of(&cluster.nodes().iter().collect::<Vec<_>>()));
}

#[test]
fn counts_survive_script_flush_and_a_restart() {
    let _turn = recording(true);
    let mut server = RedisServer::start();
    let classify = Classify::call("total", 1);
    assert_eq!(classify.invoke(&mut server.connection()).unwrap(), "low");
    let () = redis::cmd("SCRIPT")
        .arg("FLUSH")
        .query(&mut server.connection())
        .unwrap();
    assert_eq!(classify.invoke(&mut server.connection()).unwrap(), "low");
    server.restart();
    assert_eq!(classify.invoke(&mut server.connection()).unwrap(), "low");
    let report = report_of(&[&server]);
    assert_eq!(report.hits("lua_scripts/testing/classify.lua", 23), Some(3));
    assert_eq!(report.hits("lua_scripts/testing/classify.lua", 21), Some(0));
}

/// Everything a run of calls shows: each reply or error, then the data left.
fn observe(primary: &RedisServer, replica: &RedisServer) -> Vec<String> {
    let mut con = primary.connection();
    let mut seen = classify_all(&mut con, &mut |con, key, score| {
        Classify::call(key, score).invoke(con)
    });
    for mode in ["nil_arithmetic", "wrong_type", "raise", "error_reply", "ok"] {
        let _: () = redis::cmd("SET")
            .arg("a-string")
            .arg("v")
            .query(&mut con)
            .unwrap();
        match Failures::call("a-string", mode).invoke(&mut con) {
            Ok(reply) => seen.push(format!("ok {reply}")),
            Err(error) => seen.push(format!(
                "{error} | {:?} | may have run: {} | at {:?}",
                error.code(),
                error.may_have_run(),
                error.location().map(|l| (l.path(), l.line()))
            )),
        }
    }
    let mut transaction = Batch::transaction();
    let first = transaction.add(Classify::call("total", 7));
    let second = transaction.add(Failures::call("a-string", "wrong_type"));
    let mut replies = transaction.run(&mut con).unwrap();
    seen.push(format!("{:?}", replies.take(first)));
    seen.push(format!("{}", replies.take(second).unwrap_err()));
    let _: i64 = redis::cmd("WAIT").arg(1).arg(5000).query(&mut con).unwrap();
    // A `no-writes` script still runs on a replica.
    let read = ReadValue::call("total").invoke(&mut replica.connection());
    seen.push(format!("replica: {read:?}"));
    let mut keys: Vec<String> = redis::cmd("KEYS").arg("*").query(&mut con).unwrap();
    keys.sort();
    for key in keys {
        let dumped: Vec<u8> = redis::cmd("DUMP").arg(&key).query(&mut con).unwrap();
        seen.push(format!("{key} = {dumped:?}"));
    }
    seen
}

#[test]
fn replies_errors_and_data_are_the_same_with_coverage_on_and_off() {
    let mut runs = Vec::new();
    for on in [false, true] {
        let _turn = recording(on);
        let primary = RedisServer::start();
        let replica = RedisServer::start_replica_of(&primary);
        runs.push(observe(&primary, &replica));
        // Only the run with coverage on sent the coverage-mode text.
        assert!(
            primary.has_script(Classify::META.sent_sha1()),
            "coverage {on}"
        );
        assert_eq!(primary.has_script(Classify::SHA1), !on, "coverage {on}");
        let logged = primary.log().contains(redis_script::coverage::MARK);
        assert_eq!(logged, on, "coverage {on}");
    }
    assert_eq!(runs[0], runs[1]);
    assert!(
        runs[0].iter().any(|seen| seen.contains("nil value")),
        "{:?}",
        runs[0]
    );
}

#[test]
fn the_server_holds_the_text_sent_and_deployed_compares_it() {
    let _turn = recording(true);
    let server = RedisServer::start();
    let mut con = server.connection();
    assert_ne!(Classify::META.sent_sha1(), Classify::SHA1);
    redis_script::load_all(&mut con).unwrap();
    assert!(server.has_script(Classify::META.sent_sha1()));
    assert_eq!(
        Unions::LIBRARY.deployed(&mut con).unwrap(),
        redis_script::Deployed::Current
    );
}
