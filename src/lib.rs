//! The scripts of `lua_scripts/`, bound with `#[redis_script]`: the seed article's scripts
//! as typed Rust. The integration tests in `tests/` run them against real Redis servers.

use redis_script::{redis_library, redis_script};

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

/// Adds a job to a queue, with shared code from `jobs/includes/` (BullMQ's `@include`).
#[redis_script("jobs/add_job.lua")]
pub struct AddJob;

/// Stores a job sent as JSON and returns it as MessagePack (features `json`, `msgpack`).
#[cfg(all(feature = "json", feature = "msgpack"))]
#[redis_script("jobs/schedule_job.lua")]
pub struct ScheduleJob;

/// The seed's `debug_print` and `execute_with_debug` patterns.
#[redis_script("debugging/debug_print.lua")]
pub struct DebugPrint;

/// The scripts of `lua_scripts/testing/`, bound once for the integration tests and
/// benchmarks: small scripts that count, fail, stall or echo on request.
pub mod testing {
    use redis_script::redis_script;

    /// Returns its keys followed by its arguments.
    #[redis_script("testing/echo_keys.lua")]
    pub struct EchoKeys;

    /// Fails in the way its argument asks for.
    #[redis_script("testing/failures.lua")]
    pub struct Failures;

    /// Reads a counter through an included helper that fails on request.
    #[redis_script("testing/include_failure.lua")]
    pub struct IncludeFailure;

    /// Counts the call, then returns what `INCRBY` answered, an error included.
    #[redis_script("testing/forward.lua")]
    pub struct Forward;

    /// Counts the call, then returns what `SET` answered; declares flags (`#!lua`).
    #[redis_script("testing/forward_flagged.lua")]
    pub struct ForwardFlagged;

    /// Increments a counter.
    #[redis_script("testing/incr.lua")]
    pub struct Incr;

    /// Reads a value; `#!lua flags=no-writes`.
    #[redis_script("testing/read_value.lua")]
    pub struct ReadValue;

    /// Appends its id to a log and counts it.
    #[redis_script("testing/record.lua")]
    pub struct Record;

    /// Returns a reply of the kind its argument names.
    #[redis_script("testing/replies.lua")]
    pub struct Replies;

    /// Keeps the server busy, then increments a counter.
    #[redis_script("testing/slow.lua")]
    pub struct Slow;

    /// Increments a counter, then keeps the server busy.
    #[redis_script("testing/slow_writer.lua")]
    pub struct SlowWriter;

    /// Sets any number of keys.
    #[redis_script("testing/touch_many.lua")]
    pub struct TouchMany;

    /// Adds a score and says where the total landed, through an included helper.
    #[redis_script("testing/classify.lua")]
    pub struct Classify;

    /// Takes the next item of a list; its reply is a union: `TakeNextReply`.
    #[redis_script("testing/take_next.lua")]
    pub struct TakeNext;

    /// Sends a JSON value back through Redis's cjson.
    #[cfg(feature = "json")]
    #[redis_script("testing/json_echo.lua")]
    pub struct JsonEcho;

    /// Sends a MessagePack value back through Redis's cmsgpack.
    #[cfg(feature = "msgpack")]
    #[redis_script("testing/msgpack_echo.lua")]
    pub struct MsgpackEcho;

    /// A Redis Functions library that records calls (`record`, `recorded`) and fails on
    /// request (`fail`).
    #[redis_script::redis_library("testing/ledger.lua")]
    pub struct Ledger;

    /// A Redis Functions library whose `next_item` replies with a union:
    /// `UnionsNextItemReply`.
    #[redis_script::redis_library("testing/unions.lua")]
    pub struct Unions;
}

/// The rate limiter of `rate_limiter.lua` as a Redis Functions library: `allow`, `hits`
/// (`no-writes`, so `FCALL_RO`) and `reset`.
#[redis_library("functions/ratelimit.lua")]
pub struct RateLimit;
