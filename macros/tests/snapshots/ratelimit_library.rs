/// Docs written on the struct.
/**

Fixed-window rate limiting as a Redis Functions library: loaded once, kept across
restarts and failovers, called by name.

The Redis Functions library `ratelimit`, bound to `lua_scripts/functions/ratelimit.lua` by `#[redis_library]`. Its functions:

- [`allow`](Self::allow): Counts one request against a fixed window and tells whether it is allowed.
- [`hits`](Self::hits) (`no-writes`: `FCALL_RO`): How many requests the current window has counted.
- [`reset`](Self::reset): Forgets the counted requests.

Its functions declare error codes: match them with `error_of`.

# Source

SHA1 `4907f6ab70fe35d524c1c755cd3490252b3ca72c`

```lua
#!lua name=ratelimit
--[[
  Fixed-window rate limiting as a Redis Functions library: loaded once, kept across
  restarts and failovers, called by name.
]]

--- Counts one request against a fixed window and tells whether it is allowed.
--- KEYS[1] = counter key
--- ARGV[1] = limit (requests per window)
--- ARGV[2] = window (seconds)
--- RETURNS: int - 1 if allowed, 0 if limited
--- ERRORS:
---   BAD_LIMIT - the limit is not a positive number
local function allow(keys, args)
  local limit = tonumber(args[1])
  if not limit or limit < 1 then
    return redis.error_reply('BAD_LIMIT limit must be a positive number')
  end
  local hits = redis.call('INCR', keys[1])
  if hits == 1 then
    redis.call('EXPIRE', keys[1], args[2])
  end
  if hits > limit then
    return 0
  end
  return 1
end

--- How many requests the current window has counted.
--- KEYS[1] = counter key
--- RETURNS: int
local function hits(keys)
  return tonumber(redis.call('GET', keys[1]) or '0')
end

--- Forgets the counted requests.
--- KEYS[1] = counter key
--- RETURNS: int - 1 if there was a window to forget, else 0
local function reset(keys)
  return redis.call('DEL', keys[1])
end

redis.register_function('allow', allow)
redis.register_function{
  function_name = 'hits',
  callback = hits,
  flags = {'no-writes'},
  description = 'requests counted in the current window',
}
redis.register_function('reset', reset)
```
*/
pub struct RateLimit;
impl RateLimit {
    /// The library's name, from its `#!lua name=` line: what Redis knows it by.
    pub const NAME: &'static str = "ratelimit";
    /// SHA1 of the library's source: what tells two versions apart.
    pub const SHA1: &'static str = "4907f6ab70fe35d524c1c755cd3490252b3ca72c";
    /// The library's source as sent to `FUNCTION LOAD`: the file's bytes, with
    /// each `@include` line replaced by the file it names.
    pub const SOURCE: &'static str = ::core::include_str!(
        "$WORKSPACE/lua_scripts/functions/ratelimit.lua"
    );
    /// The library's path from the crate root.
    pub const PATH: &'static str = "lua_scripts/functions/ratelimit.lua";
    /// The library's description for the runtime: load it with
    /// `LIBRARY.load(&mut con)` (`FUNCTION LOAD REPLACE`), compare it with the
    /// server's with `LIBRARY.deployed(&mut con)`.
    pub const LIBRARY: &'static ::redis_script::__private::ScriptMeta = &::redis_script::__private::script_meta(::redis_script::__private::ScriptParts {
        name: "RateLimit",
        path: Self::PATH,
        sha1: Self::SHA1,
        source: Self::SOURCE,
        returns: &::redis_script::__private::ReplyShape::Any,
        returns_declared: "undeclared",
        read_only: false,
        target: "redis-7.0",
        source_map: ::redis_script::__private::source_map(
            &[
                ::redis_script::__private::source_file(
                    "lua_scripts/functions/ratelimit.lua",
                    ::core::option::Option::None,
                ),
            ],
            &[::redis_script::__private::segment(1usize, 0usize, 1usize)],
        ),
        kind: ::redis_script::__private::ScriptKind::Library {
            name: "ratelimit",
        },
    });
    #[doc(hidden)]
    pub const __FUNCTION_ALLOW: &'static ::redis_script::__private::ScriptMeta = &::redis_script::__private::script_meta(::redis_script::__private::ScriptParts {
        name: "RateLimit::allow",
        path: Self::PATH,
        sha1: Self::SHA1,
        source: Self::SOURCE,
        returns: &::redis_script::__private::ReplyShape::Int,
        returns_declared: "int",
        read_only: false,
        target: Self::LIBRARY.target(),
        source_map: *Self::LIBRARY.source_map(),
        kind: ::redis_script::__private::ScriptKind::Function {
            library: Self::LIBRARY,
            name: "allow",
        },
    });
    /**Prepares a call of function `allow` of library `ratelimit` (`lua_scripts/functions/ratelimit.lua`, line 43): Counts one request against a fixed window and tells whether it is allowed.

Run it with `.invoke(&mut con)` on a sync connection or `.invoke_async(&mut con).await` on an async one.

# Arguments

- `counter_key` (`KEYS[1]`, `impl ToSingleRedisArg`): counter key
- `limit` (`ARGV[1]`, `impl ToSingleRedisArg`): limit (requests per window)
- `window` (`ARGV[2]`, `impl ToSingleRedisArg`): window (seconds)

# Returns

`int`, as `i64`: 1 if allowed, 0 if limited

# Errors

- `BAD_LIMIT`: the limit is not a positive number
*/
    #[must_use = "a ScriptCall does nothing until it is invoked"]
    #[allow(clippy::too_many_arguments)]
    pub fn allow(
        counter_key: impl ::redis_script::__private::ToSingleRedisArg,
        limit: impl ::redis_script::__private::ToSingleRedisArg,
        window: impl ::redis_script::__private::ToSingleRedisArg,
    ) -> ::redis_script::__private::ScriptCall<i64> {
        let mut __redis_script_call = ::redis_script::__private::call(
            Self::__FUNCTION_ALLOW,
            1usize,
            2usize,
        );
        ::redis_script::__private::push(&mut __redis_script_call, counter_key);
        ::redis_script::__private::push(&mut __redis_script_call, limit);
        ::redis_script::__private::push(&mut __redis_script_call, window);
        __redis_script_call
    }
    #[doc(hidden)]
    pub const __FUNCTION_HITS: &'static ::redis_script::__private::ScriptMeta = &::redis_script::__private::script_meta(::redis_script::__private::ScriptParts {
        name: "RateLimit::hits",
        path: Self::PATH,
        sha1: Self::SHA1,
        source: Self::SOURCE,
        returns: &::redis_script::__private::ReplyShape::Int,
        returns_declared: "int",
        read_only: true,
        target: Self::LIBRARY.target(),
        source_map: *Self::LIBRARY.source_map(),
        kind: ::redis_script::__private::ScriptKind::Function {
            library: Self::LIBRARY,
            name: "hits",
        },
    });
    /**Prepares a call of function `hits` of library `ratelimit` (`lua_scripts/functions/ratelimit.lua`, line 44): How many requests the current window has counted.

Run it with `.invoke(&mut con)` on a sync connection or `.invoke_async(&mut con).await` on an async one.

# Arguments

- `counter_key` (`KEYS[1]`, `impl ToSingleRedisArg`): counter key

# Returns

`int`, as `i64`

Registered with the flags `no-writes`: it is sent as `FCALL_RO` and may run on a replica.
*/
    #[must_use = "a ScriptCall does nothing until it is invoked"]
    #[allow(clippy::too_many_arguments)]
    pub fn hits(
        counter_key: impl ::redis_script::__private::ToSingleRedisArg,
    ) -> ::redis_script::__private::ScriptCall<i64> {
        let mut __redis_script_call = ::redis_script::__private::call(
            Self::__FUNCTION_HITS,
            1usize,
            0usize,
        );
        ::redis_script::__private::push(&mut __redis_script_call, counter_key);
        __redis_script_call
    }
    #[doc(hidden)]
    pub const __FUNCTION_RESET: &'static ::redis_script::__private::ScriptMeta = &::redis_script::__private::script_meta(::redis_script::__private::ScriptParts {
        name: "RateLimit::reset",
        path: Self::PATH,
        sha1: Self::SHA1,
        source: Self::SOURCE,
        returns: &::redis_script::__private::ReplyShape::Int,
        returns_declared: "int",
        read_only: false,
        target: Self::LIBRARY.target(),
        source_map: *Self::LIBRARY.source_map(),
        kind: ::redis_script::__private::ScriptKind::Function {
            library: Self::LIBRARY,
            name: "reset",
        },
    });
    /**Prepares a call of function `reset` of library `ratelimit` (`lua_scripts/functions/ratelimit.lua`, line 50): Forgets the counted requests.

Run it with `.invoke(&mut con)` on a sync connection or `.invoke_async(&mut con).await` on an async one.

# Arguments

- `counter_key` (`KEYS[1]`, `impl ToSingleRedisArg`): counter key

# Returns

`int`, as `i64`: 1 if there was a window to forget, else 0
*/
    #[must_use = "a ScriptCall does nothing until it is invoked"]
    #[allow(clippy::too_many_arguments)]
    pub fn reset(
        counter_key: impl ::redis_script::__private::ToSingleRedisArg,
    ) -> ::redis_script::__private::ScriptCall<i64> {
        let mut __redis_script_call = ::redis_script::__private::call(
            Self::__FUNCTION_RESET,
            1usize,
            0usize,
        );
        ::redis_script::__private::push(&mut __redis_script_call, counter_key);
        __redis_script_call
    }
}
impl ::redis_script::__private::Library for RateLimit {
    const LIBRARY: &'static ::redis_script::__private::ScriptMeta = RateLimit::LIBRARY;
}
///The error codes `lua_scripts/functions/ratelimit.lua` declares in its ERRORS sections; match an error against them with [`RateLimit::error_of`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RateLimitError {
    ///`BAD_LIMIT`: the limit is not a positive number
    BadLimit,
}
impl RateLimitError {
    /// The code as the script sends it.
    pub const fn code(self) -> &'static str {
        match self {
            Self::BadLimit => "BAD_LIMIT",
        }
    }
    /// The variant for `code`, when the ERRORS section declares it.
    pub fn from_code(code: &str) -> ::core::option::Option<Self> {
        match code {
            "BAD_LIMIT" => ::core::option::Option::Some(Self::BadLimit),
            _ => ::core::option::Option::None,
        }
    }
}
impl RateLimit {
    /// The declared error `error` carries, if any: `None` for other failures and for
    /// codes the ERRORS section does not declare (those stay in `error.kind()`).
    pub fn error_of(
        error: &::redis_script::Error,
    ) -> ::core::option::Option<RateLimitError> {
        error.code().and_then(RateLimitError::from_code)
    }
}
#[doc(hidden)]
#[macro_export]
macro_rules! redis_library_named_ratelimit_is_bound_once_per_crate {
    () => {};
}
#[doc(hidden)]
#[macro_export]
macro_rules! redis_function_named_allow_is_registered_once_per_crate {
    () => {};
}
#[doc(hidden)]
#[macro_export]
macro_rules! redis_function_named_hits_is_registered_once_per_crate {
    () => {};
}
#[doc(hidden)]
#[macro_export]
macro_rules! redis_function_named_reset_is_registered_once_per_crate {
    () => {};
}
::redis_script::__private::inventory::submit! {
    ::redis_script::__private::registration(RateLimit::LIBRARY)
}
