//! A script checked for a newer server than the one a connection reaches: `load_all` says
//! so before any call fails in production. The suite runs on several servers, so the
//! expected outcome depends on the one under test, read from `INFO server`.

use redis_script::testing::RedisServer;
use redis_script::{ErrorKind, redis_script};

/// Needs Redis 7.4 (HEXPIRE).
#[redis_script("targets/field_expiry.lua", target = "redis-7.4")]
struct FieldExpiry;

/// `(family, major, minor, shown)` of the server: `("redis", 7, 0, "Redis 7.0.15")`.
fn server_of(con: &mut redis::Connection) -> (&'static str, u32, u32, String) {
    let info: String = redis::cmd("INFO").arg("server").query(con).unwrap();
    let field = |name: &str| {
        info.lines()
            .find_map(|line| line.strip_prefix(name))
            .map(|v| v.trim().to_owned())
    };
    let (family, shown, version) = match field("valkey_version:") {
        Some(version) => ("valkey", "Valkey", version),
        None => ("redis", "Redis", field("redis_version:").unwrap()),
    };
    let mut parts = version.split('.').map(|p| p.parse::<u32>().unwrap());
    let (major, minor) = (parts.next().unwrap(), parts.next().unwrap());
    (family, major, minor, format!("{shown} {version}"))
}

#[test]
fn load_all_refuses_a_script_checked_for_a_newer_server() {
    let server = RedisServer::start();
    let mut con = server.connection();
    let (family, major, minor, shown) = server_of(&mut con);
    let runs_redis_7_4 = family == "redis" && (major, minor) >= (7, 4);
    match redis_script::load_all(&mut con) {
        Ok(loaded) => {
            assert!(runs_redis_7_4, "{shown} does not run redis-7.4 scripts");
            assert!(loaded.iter().any(|meta| meta.target() == "redis-7.4"));
            let set: Vec<i64> = FieldExpiry::call("h", "f", "v", 60)
                .invoke(&mut con)
                .unwrap();
            assert_eq!(set, [1]);
        }
        Err(error) => {
            assert!(!runs_redis_7_4, "{shown} runs redis-7.4 scripts: {error}");
            let ErrorKind::Target { target, server } = error.kind() else {
                panic!("not a target error: {error:?}");
            };
            assert_eq!((*target, server.as_str()), ("redis-7.4", shown.as_str()));
            assert_eq!(error.script().name(), "FieldExpiry");
            assert!(
                error.to_string().contains("was checked for redis-7.4"),
                "{error}"
            );
        }
    }
}
