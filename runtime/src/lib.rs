//! Bind Redis Lua script files to typed Rust functions at compile time.
//!
//! `#[redis_script("counter.lua")]` reads `lua_scripts/counter.lua` from your crate while it
//! compiles, parses the script's [header] (KEYS, ARGV, RETURNS), computes its SHA1
//! and generates a typed function. The script file is the single source of truth: a wrong
//! key count, argument order or reply type is a compile error, not a surprise from
//! production Redis.
//!
//! # A bound script
//!
//! `lua_scripts/counter.lua`:
//!
//! ```lua
//! --[[
//!     Adds to a counter and returns its new value.
//!
//!     KEYS:
//!         [1] counter: key - The counter's key
//!     ARGV:
//!         [1] amount: int - How much to add (negative to subtract)
//!     RETURNS: int - the counter after the addition
//! --]]
//! return redis.call('INCRBY', KEYS[1], ARGV[1])
//! ```
//!
//! ```no_run
//! use redis_script::redis_script;
//!
//! /// Adds to a counter.
//! #[redis_script("counter.lua")]
//! pub struct Counter;
//!
//! fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let client = redis_script::redis::Client::open("redis://127.0.0.1/")?;
//!     let mut con = client.get_connection()?;
//!
//!     // One parameter per KEYS entry, then per ARGV entry; the reply type from RETURNS.
//!     let visits: i64 = Counter::call("visits:home", 1).invoke(&mut con)?;
//!     println!("{visits} visits");
//!     Ok(())
//! }
//! ```
//!
//! The macro keeps your struct and adds to it:
//!
//! - `Counter::call(counter, amount) -> ScriptCall<i64>`: the typed entry point. Run the
//!   [`ScriptCall`] with [`invoke`](ScriptCall::invoke) on a sync connection or
//!   [`invoke_async`](ScriptCall::invoke_async) on an async one.
//! - `Counter::SHA1`, `Counter::SOURCE`, `Counter::PATH`: the script's SHA1 (computed at
//!   compile time over exactly the bytes sent to `SCRIPT LOAD`), its source (the file,
//!   unchanged, so line numbers in Redis's messages are the file's) and its path.
//! - `Counter::META`: a [`ScriptMeta`] for [`load`](ScriptMeta::load)ing the script ahead of
//!   time and for messages; the [`Script`] trait exposes it to generic code.
//! - Rustdoc built from the header: summary, parameters, reply, example and source.
//!
//! The file is embedded with `include_str!`, so editing it rebuilds the crate.
//!
//! # Checked at compile time
//!
//! The whole script is parsed as Lua 5.1 and checked against its header and against Redis:
//! syntax, `KEYS`/`ARGV` reads the header does not declare, globals Redis's sandbox
//! forbids or lacks, unknown or forbidden commands and wrong argument counts, the shebang,
//! and literal returns against RETURNS. Each problem is a compile error pointing at
//! `lua_scripts/x.lua:line:column`; the [header] module lists the rules. The checks
//! target Redis 7.0; `#[redis_script("x.lua", target = "7.4")]` admits what 7.4 adds.
//!
//! # Where scripts live
//!
//! The path in the attribute is relative to `lua_scripts/` in the root of the crate that
//! uses the macro (next to its `Cargo.toml`); subfolders are fine
//! (`"rate_limiting/token_bucket.lua"`). Absolute paths and `..` are rejected.
//!
//! # Async
//!
//! With the `tokio-comp` feature (or `aio` with another runtime),
//! [`invoke_async`](ScriptCall::invoke_async) runs the same call over any
//! `redis::aio::ConnectionLike`: `MultiplexedConnection`, or `ConnectionManager` with the
//! `connection-manager` feature.
//!
//! ```no_run
//! # #[cfg(feature = "tokio-comp")]
//! # mod example {
//! use redis_script::redis_script;
//!
//! #[redis_script("counter.lua")]
//! pub struct Counter;
//!
//! async fn count(client: &redis_script::redis::Client) -> Result<i64, Box<dyn std::error::Error>> {
//!     let mut con = client.get_multiplexed_async_connection().await?;
//!     Ok(Counter::call("visits:home", 1).invoke_async(&mut con).await?)
//! }
//! # }
//! ```
//!
//! # Free-text RETURNS
//!
//! When RETURNS is prose (or missing), the caller picks the reply type, as with
//! `redis::Cmd::query`:
//!
//! ```no_run
//! use redis_script::redis_script;
//!
//! #[redis_script("greeting.lua")]
//! struct Greeting;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let mut con = redis_script::redis::Client::open("redis://127.0.0.1/")?.get_connection()?;
//! let text: String = Greeting::call("Ada").invoke(&mut con)?;
//! # Ok(()) }
//! ```
//!
//! # What running a script does
//!
//! [`ScriptCall::invoke`] sends `EVALSHA` with the compile-time SHA1. If the server does not
//! have the script (`NOSCRIPT`: a fresh server, a restart, a failover, `SCRIPT FLUSH`), it
//! sends `SCRIPT LOAD` with the embedded source and the `EVALSHA` once more. It does not
//! use `EVAL` for this: since Redis 7.4, scripts cached by `EVAL` can be evicted, loaded
//! ones are not. (Only a [`Batch`] whose calls meet `NOSCRIPT` mid-way re-sends them with
//! `EVAL`, once.)
//! `NOSCRIPT` means the script did not run, so a script never runs twice; a connection that
//! fails mid-call is reported as [`ErrorKind::Connection`] ("may or may not have run") and
//! never retried by this crate (redis-rs's cluster clients have retries of their own: see
//! [Redis Cluster](#redis-cluster)).
//!
//! # Batches, transactions and preloading
//!
//! A [`Batch`] sends script calls and ordinary commands in one round trip, as a pipeline
//! or (with [`Batch::transaction`]) a `MULTI`/`EXEC` transaction, and gives each reply back
//! typed through the slot `add` returned. It stays correct when the server's script cache
//! is empty; the [`Batch`] docs say exactly what is guaranteed and what it costs.
//! [`scripts`] lists every script bound in the program and [`load_all`] loads them all in
//! one round trip.
//!
//! A script whose shebang declares `#!lua flags=no-writes` is sent as `EVALSHA_RO`, so it
//! runs on replicas.
//!
//! # Redis Cluster
//!
//! With the `cluster` feature (`cluster-async` for async), the same calls run on redis-rs's
//! cluster connections: [`invoke_cluster`](ScriptCall::invoke_cluster) and
//! [`invoke_cluster_async`](ScriptCall::invoke_cluster_async) first check that the
//! call's keys share a hash slot, and fail with [`ErrorKind::CrossSlot`] (every key, its
//! slot, and the hash-tag fix) before anything is sent when they do not. The cluster client
//! sends the call to the primary that owns the slot; a call without keys goes to any node.
//! A node that answers `NOSCRIPT` gets the script from `SCRIPT LOAD`, which the cluster
//! client sends to every node, and the call is sent once more. A batch goes to one node,
//! so its keys share a slot too: [`Batch::run_cluster`], [`Batch::run_cluster_async`].
//! [`load_all`] loads every script on every node of a sync cluster connection
//! ([`load_all_cluster_async`] for async). [`cluster::key_slot`] computes a key's slot.
//!
//! One difference from a single server: redis-rs's cluster clients re-send a request on
//! their own after some failures, up to `ClusterClientBuilder::retries` times: after a
//! redirection (`MOVED`, `ASK`), `TRYAGAIN`, `CLUSTERDOWN` or `READONLY` the call did not
//! run, but after a dropped connection or another I/O error, a read timeout included, it
//! may have, and the re-send may run it a second time. For a script that must not run
//! twice, build the client with `.retries(0)`: such failures then come back as
//! [`ErrorKind::Connection`], and redirections as [`ErrorKind::Redis`] (the call did not
//! run and can be sent again). Batches on a cluster go inside `MULTI`/`EXEC`, which Redis
//! refuses whole when a redirection comes up, so a redirection never re-runs part of a
//! batch; a dropped connection can make the client re-send a batch as it can a call.
//!
//! # Errors
//!
//! Every failure is an [`Error`] naming the script. [`ErrorKind`] tells apart an error the
//! script returned (`redis.error_reply`), a Lua runtime error and an error raised by a
//! command the script called (both with the script line, shown with the source line in
//! `Display`), a script Redis cannot compile, a connection failure, other Redis errors, and
//! a reply that does not match RETURNS.
//!
//! # Testing scripts
//!
//! The `testing` feature adds [`testing::RedisServer`]: a throwaway real `redis-server` per
//! test, on a free port, removed when dropped. Use it as a dev-dependency feature:
//!
//! ```toml
//! [dev-dependencies]
//! redis-script = { version = "0.1", features = ["testing"] }
//! ```
//!
//! # Features
//!
//! - `aio`: [`ScriptCall::invoke_async`] and [`ScriptMeta::load_async`].
//! - `tokio-comp`: `aio` on tokio (redis's feature of the same name).
//! - `connection-manager`: redis's `ConnectionManager`.
//! - `cluster`: sync Redis Cluster connections (redis's `cluster`).
//! - `cluster-async`: async Redis Cluster connections (redis's `cluster-async`; enables
//!   `cluster` and `aio`).
//! - `testing`: the [`testing`] module ([`testing::RedisCluster`] also needs `cluster`).
//! - `tracing`: a `tracing` span per invocation (script name, SHA1, key count, outcome,
//!   duration in microseconds) and an event when `NOSCRIPT` makes it load the script.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod batch;
mod call;
pub mod cluster;
mod debugging;
mod error;
mod meta;
mod registry;
mod reply;
#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub mod testing;
mod trace;

#[doc = include_str!("../docs/header.md")]
pub mod header {}

pub use batch::{Batch, BatchError, CmdSlot, Replies, Slot, TakeReply};
pub use call::ScriptCall;
#[cfg(feature = "aio")]
pub use debugging::kill_running_script_async;
pub use debugging::{KillOutcome, kill_running_script};
pub use error::{Error, ErrorKind};
pub use meta::{Script, ScriptMeta};
pub use redis;
#[cfg(feature = "aio")]
pub use registry::load_all_async;
#[cfg(feature = "cluster-async")]
pub use registry::load_all_cluster_async;
pub use registry::{load_all, scripts};
pub use reply::ReplyShape;

/// Binds a Lua script file to the unit struct it is placed on.
///
/// `#[redis_script("rate_limiter.lua")] pub struct RateLimiter;` reads
/// `lua_scripts/rate_limiter.lua`; see the [crate documentation](crate) for what it
/// generates and the [header] module for the header format.
pub use redis_script_macros::redis_script;

/// What the generated code uses. Not part of the public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::call::ScriptCall;
    pub use crate::meta::{Script, ScriptMeta};
    pub use crate::registry::Registration;
    pub use crate::reply::ReplyShape;
    pub use inventory;
    pub use redis::{FromRedisValue, ToRedisArgs, ToSingleRedisArg, Value};
    pub use std::collections::HashMap;
    pub use std::convert::AsRef;
    pub use std::option::Option;
    pub use std::string::String;
    pub use std::vec::Vec;
}
