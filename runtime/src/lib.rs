#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod batch;
mod call;
pub mod cluster;
mod codes;
mod deadline;
mod debugging;
mod error;
mod invocation;
mod load;
mod meta;
mod registry;
mod reload;
mod reply;
mod server;
mod structured;
mod trace;
mod transaction;

/// Throwaway Redis servers and clusters for tests: the `redis-script-testing` crate,
/// re-exported with the `testing` feature.
#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub use redis_script_testing as testing;

#[doc = include_str!("../docs/header.md")]
pub mod header {}

#[cfg(feature = "coverage")]
#[cfg_attr(docsrs, doc(cfg(feature = "coverage")))]
pub mod coverage;

pub use batch::{Batch, BatchError, CmdSlot, Replies, Slot, TakeReply};
pub use call::{FunctionCall, ScriptCall};
pub use codes::{RESERVED_ERR_MESSAGES, RESERVED_ERROR_CODES};
pub use deadline::DEFAULT_DEADLINE;
#[cfg(feature = "aio")]
pub use debugging::kill_running_script_async;
pub use debugging::{KillOutcome, kill_running_script};
pub use error::{Error, ErrorKind};
#[cfg(feature = "aio")]
pub use load::load_all_async;
#[cfg(feature = "cluster-async")]
pub use load::load_all_cluster_async;
pub use load::{Deployed, load_all};
#[cfg(feature = "cluster")]
pub use load::{NodeLoad, load_all_cluster};
pub use meta::{Library, Script, ScriptKind, ScriptMeta, SourceLocation, SourceMap};
pub use redis;
pub use registry::{libraries, scripts};
pub use reply::ReplyShape;
pub use structured::{Json, Msgpack};

/// Binds a Lua script file to the unit struct it is placed on.
///
/// `#[redis_script("rate_limiter.lua")] pub struct RateLimiter;` reads
/// `lua_scripts/rate_limiter.lua`; see the [crate documentation](crate) for what it
/// generates and the [header] module for the header format.
pub use redis_script_macros::redis_script;

/// Binds a Redis Functions library file to the unit struct it is placed on.
///
/// `#[redis_library("ratelimit.lua")] pub struct RateLimit;` reads
/// `lua_scripts/ratelimit.lua` (which starts with `#!lua name=<library>`) and generates a
/// typed method per function it registers, `RateLimit::allow(key, limit, window)`,
/// returning a [`FunctionCall`]; see the [crate documentation](crate).
pub use redis_script_macros::redis_library;

/// What the generated code uses: the contract between `#[redis_script]` and this crate.
/// Not part of the public API; it changes with the macro, whose version this crate pins.
#[doc(hidden)]
pub mod __private {
    pub use crate::call::ScriptCall;
    pub use crate::meta::{
        Library, Script, ScriptKind, ScriptMeta, ScriptParts, Segment, SourceFile, SourceMap,
    };
    pub use crate::registry::Registration;
    pub use crate::reply::{ReplyShape, no_alternative};
    pub use crate::structured::contract::{DeserializeOwned, Serialize, push_json, push_msgpack};
    pub use crate::structured::{Json, Msgpack};
    pub use crate::{
        __redis_script_require_json as require_json,
        __redis_script_require_msgpack as require_msgpack,
    };
    pub use inventory;
    pub use redis::{FromRedisValue, ParsingError, ToRedisArgs, ToSingleRedisArg, Value};
    pub use std::collections::HashMap;
    pub use std::convert::AsRef;
    pub use std::option::Option;
    pub use std::string::String;
    pub use std::vec::Vec;

    /// The description of a bound script.
    pub const fn script_meta(parts: ScriptParts) -> ScriptMeta {
        ScriptMeta::from_parts(parts)
    }

    /// Where the lines of a script were written: `files` (its own first) and `segments`.
    pub const fn source_map(
        files: &'static [SourceFile],
        segments: &'static [Segment],
    ) -> SourceMap {
        SourceMap::new(files, segments)
    }

    /// A file of a script, included from line `line` of file `file` (`None` for the
    /// script's own).
    pub const fn source_file(
        path: &'static str,
        included_from: Option<(usize, usize)>,
    ) -> SourceFile {
        SourceFile::new(path, included_from)
    }

    /// Lines from `first_line` of the script's text come from file `file`, from its line
    /// `file_line` on.
    pub const fn segment(first_line: usize, file: usize, file_line: usize) -> Segment {
        Segment::new(first_line, file, file_line)
    }

    /// The coverage-mode text of the script `sha1` (feature `coverage`).
    #[cfg(feature = "coverage")]
    pub const fn coverage_map(
        sha1: &'static str,
        text: &'static str,
        text_sha1: &'static str,
        lines: &'static [(u32, u16, u32)],
        files: &'static [&'static str],
    ) -> crate::coverage::CoverageMap {
        crate::coverage::CoverageMap {
            sha1,
            text,
            text_sha1,
            lines,
            files,
        }
    }

    /// The registry entry of a bound script.
    pub const fn registration(meta: &'static ScriptMeta) -> Registration {
        Registration::new(meta)
    }

    /// Starts a call of `meta` with `num_keys` keys and `num_args` arguments to come.
    pub fn call<R>(meta: &'static ScriptMeta, num_keys: usize, num_args: usize) -> ScriptCall<R> {
        ScriptCall::new(meta, num_keys, num_args)
    }

    /// Writes the next key or argument of `call`.
    pub fn push<R, T: ToRedisArgs>(call: &mut ScriptCall<R>, value: T) {
        call.push(value);
    }
}
