//! Helpers shared by the integration tests.
// Each test binary uses some of them.
#![allow(dead_code)]

pub mod exactly_once;
pub mod resharding;

use redis_script::__private::{
    ScriptKind, ScriptParts, SourceMap, call, script_meta, segment, source_file, source_map,
};
use redis_script::{Batch, ReplyShape, ScriptCall, ScriptMeta};

/// Sets its flag when dropped, also by a panic: a helper thread looping until the flag
/// is set then stops, and the test reports the panic instead of hanging.
pub struct SetOnDrop<'a>(pub &'a std::sync::atomic::AtomicBool);

impl Drop for SetOnDrop<'_> {
    fn drop(&mut self) {
        self.0.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

/// A `MULTI`/`EXEC` transaction, or else a plain pipeline.
pub fn batch(transaction: bool) -> Batch {
    if transaction {
        Batch::transaction()
    } else {
        Batch::new()
    }
}

/// The source map of the broken script: one file.
const BROKEN_MAP: SourceMap = source_map(
    &[source_file("lua_scripts/broken.lua", None)],
    &[segment(1, 0, 1)],
);

/// A call of a script Redis cannot compile (`return +`), with no keys: the macro would
/// refuse such a file, so it is described by hand, through the macro's own contract.
pub fn broken_call() -> ScriptCall<redis::Value> {
    const SOURCE: &str = "return +";
    let sha1: &'static str = Box::leak(
        sha1_smol::Sha1::from(SOURCE)
            .digest()
            .to_string()
            .into_boxed_str(),
    );
    let broken: &'static ScriptMeta = Box::leak(Box::new(script_meta(ScriptParts {
        name: "Broken",
        path: "lua_scripts/broken.lua",
        sha1,
        source: SOURCE,
        returns: &ReplyShape::Any,
        returns_declared: "value",
        read_only: false,
        target: "redis-7.0",
        source_map: BROKEN_MAP,
        kind: ScriptKind::Script,
    })));
    call(broken, 0, 0)
}

/// The sum of the `counters` of `commands` in `node`'s `INFO commandstats`.
pub fn command_stats(
    node: &redis_script::testing::RedisServer,
    commands: &[&str],
    counters: &[&str],
) -> u64 {
    let stats: String = redis::cmd("INFO")
        .arg("commandstats")
        .query(&mut node.connection())
        .unwrap();
    stats
        .lines()
        .filter_map(|line| line.strip_prefix("cmdstat_")?.split_once(':'))
        .filter(|(command, _)| commands.contains(command))
        .flat_map(|(_, fields)| fields.split(','))
        .filter_map(|field| field.split_once('='))
        .filter(|(name, _)| counters.contains(name))
        .map(|(_, value)| value.parse::<u64>().unwrap())
        .sum()
}

/// Waits until the server answers `BUSY` to a call (at most 10 s).
pub fn until_busy(con: &mut redis::Connection) -> redis_script::Error {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        match redis_script_examples::RateLimiter::call("busy:probe", 1_000, 60).invoke(con) {
            Err(error) if matches!(error.kind(), redis_script::ErrorKind::Busy(_)) => return error,
            _ if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(20))
            }
            other => panic!("the server never became busy: {other:?}"),
        }
    }
}

/// Creates the ACL user `name` (no password) on `node` with `+@all` and `rules` on top
/// (`-multi`, `-evalsha`...), for every key and channel.
pub fn acl_user(node: &redis_script::testing::RedisServer, name: &str, rules: &[&str]) {
    let () = redis::cmd("ACL")
        .arg(&["SETUSER", name, "on", "nopass", "~*", "&*", "+@all"])
        .arg(rules)
        .query(&mut node.connection())
        .unwrap();
}

/// A connection of `node` authenticated as the ACL user `name` with `rules`
/// ([`acl_user`]).
pub fn connection_as(
    node: &redis_script::testing::RedisServer,
    name: &str,
    rules: &[&str],
) -> redis::Connection {
    acl_user(node, name, rules);
    let mut con = node.connection();
    let () = redis::cmd("AUTH")
        .arg(name)
        .arg("any")
        .query(&mut con)
        .unwrap();
    con
}
