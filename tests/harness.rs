//! The test harness itself: every server is its own process on its own port, with its own
//! data, and it is gone when the test ends, also when the test panics.

use std::net::TcpStream;
use std::panic::{AssertUnwindSafe, catch_unwind};

use redis::Commands;
use redis_script::testing::RedisServer;

fn reachable(port: u16) -> bool {
    TcpStream::connect(("127.0.0.1", port)).is_ok()
}

#[test]
fn servers_are_isolated() {
    let first = RedisServer::start();
    let second = RedisServer::start();
    assert_ne!(first.port(), second.port());
    let () = first.connection().set("only-here", 1).unwrap();
    let exists: bool = second.connection().exists("only-here").unwrap();
    assert!(
        !exists,
        "the second server does not see the first one's data"
    );
    assert_ne!(first.dir(), second.dir());
}

#[test]
fn a_server_is_stopped_and_removed_when_dropped() {
    let server = RedisServer::start();
    let (port, dir) = (server.port(), server.dir().to_path_buf());
    assert!(reachable(port));
    assert!(dir.is_dir());
    drop(server);
    assert!(!reachable(port), "nothing listens on {port} any more");
    assert!(!dir.exists(), "{} is removed", dir.display());
}

#[test]
fn a_server_is_stopped_when_the_test_panics() {
    let mut seen = None;
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let server = RedisServer::start();
        seen = Some((server.port(), server.dir().to_path_buf()));
        panic!("the test fails while the server runs");
    }));
    assert!(outcome.is_err());
    let (port, dir) = seen.expect("the server started");
    assert!(!reachable(port), "nothing listens on {port} any more");
    assert!(!dir.exists(), "{} is removed", dir.display());
}

#[test]
fn extra_configuration_reaches_the_server() {
    let server = RedisServer::start_with(&["--maxmemory", "7mb"]);
    let config: Vec<String> = redis::cmd("CONFIG")
        .arg("GET")
        .arg("maxmemory")
        .query(&mut server.connection())
        .unwrap();
    assert_eq!(config, ["maxmemory", "7340032"]);
    assert!(
        server.log().contains("Ready to accept connections"),
        "{}",
        server.log()
    );
}
