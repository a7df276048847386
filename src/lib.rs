//! The scripts of `lua_scripts/`, bound with `#[redis_script]`: the seed article's scripts
//! as typed Rust. The integration tests in `tests/` run them against real Redis servers.

use redis_script::redis_script;

/// Fixed-window rate limiter: `INCR` a counter that expires after the window.
#[redis_script("rate_limiter.lua")]
pub struct RateLimiter;

/// Atomic transfer between two balances.
#[redis_script("transfer.lua")]
pub struct Transfer;

/// Token bucket rate limiter.
#[redis_script("rate_limiting/token_bucket.lua")]
pub struct TokenBucket;

/// Sliding window rate limiter.
#[redis_script("rate_limiting/sliding_window.lua")]
pub struct SlidingWindow;

/// Cache-aside read with hit and miss counters.
#[redis_script("caching/cache_aside.lua")]
pub struct CacheAside;

/// Write-through update of a record and its cached copy.
#[redis_script("caching/write_through.lua")]
pub struct WriteThrough;

/// The seed's `debug_print` and `execute_with_debug` patterns.
#[redis_script("debugging/debug_print.lua")]
pub struct DebugPrint;
