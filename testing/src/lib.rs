//! Throwaway Redis servers and clusters for tests of Redis scripts: the harness of
//! [`redis-script`](https://docs.rs/redis-script), usable on its own.
//!
//! Each [`RedisServer`] is a real server of its own, on a free loopback port, with its data
//! and log in a fresh temporary folder; it is stopped and its folder removed when the value
//! is dropped, also when the test panics. Nothing is shared between tests and no port is
//! fixed, so tests run in parallel.
//!
//! ```
//! use redis_script_testing::RedisServer;
//!
//! let server = RedisServer::start();
//! let mut con = server.connection();
//! let pong: String = redis::cmd("PING").query(&mut con).unwrap();
//! assert_eq!(pong, "PONG");
//! ```
//!
//! The server binary is `redis-server` from `PATH`, or the file named by the
//! `REDIS_SERVER_BIN` environment variable (any Redis 7 or 8, or Valkey 8 or 9). Without
//! one, [`RedisServer::start`] panics with a message saying how to install it: a test never
//! passes by skipping.
//!
//! - [`RedisServer`]: one server; replicas ([`RedisServer::start_replica_of`]), restarts,
//!   its log ([`RedisServer::log_since`]: what `redis.log` wrote).
//! - [`RedisCluster`] (feature `cluster`): 3 primaries with a replica each, failovers.
//! - [`concurrently`] and [`latency_profile`]: the seed article's `test_atomicity` and
//!   `benchmark` helpers.
//!
//! `redis-script` re-exports this crate as `redis_script::testing` with its `testing`
//! feature.
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "cluster")]
mod cluster;
mod coverage;
mod log;
mod server;
mod stress;

#[cfg(feature = "cluster")]
#[cfg_attr(docsrs, doc(cfg(feature = "cluster")))]
pub use cluster::{ClusterNode, RedisCluster};
pub use log::{LogLevel, LogLine, LogMark};
pub use server::{RedisServer, client_from_env};
pub use stress::{LatencyProfile, Outcomes, concurrently, latency_profile};
