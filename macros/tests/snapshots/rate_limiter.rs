/// Docs written on the struct.
/**

Rate limiter script

Bound to `lua_scripts/rate_limiter.lua` by `#[redis_script]`; call it with [`RateLimiter::call`](Self::call).

# KEYS

- `rate_limit_key` (`KEYS[1]`, `impl ToSingleRedisArg`): rate limit key

# ARGV

- `limit` (`ARGV[1]`, `impl ToSingleRedisArg`): limit
- `window` (`ARGV[2]`, `impl ToSingleRedisArg`): window (seconds)

# RETURNS

`int`, as `i64`: 1 if allowed, 0 if rate limited

# Source

SHA1 `f85d82d4893eb5ebc9429f2abe2e8f906afc5be4`

```lua
-- lua_scripts/rate_limiter.lua
-- Rate limiter script
-- KEYS[1] = rate limit key
-- ARGV[1] = limit
-- ARGV[2] = window (seconds)
-- RETURNS: int - 1 if allowed, 0 if rate limited

local key = KEYS[1]
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])

local current = redis.call('INCR', key)

if current == 1 then
    redis.call('EXPIRE', key, window)
end

if current > limit then
    return 0  -- Rate limited
else
    return 1  -- Allowed
end
```
*/
pub struct RateLimiter;
impl RateLimiter {
    /// SHA1 of the script: 40 lowercase hex digits, the name Redis knows it by.
    pub const SHA1: &'static str = "f85d82d4893eb5ebc9429f2abe2e8f906afc5be4";
    /// The text sent to Redis, which its SHA1 is of: the file's bytes, each
    /// `--- @include` line replaced by the file it names.
    pub const SOURCE: &'static str = ::core::include_str!(
        "$WORKSPACE/lua_scripts/rate_limiter.lua"
    );
    /// The script's path from the crate root.
    pub const PATH: &'static str = "lua_scripts/rate_limiter.lua";
    /// The script's description for the runtime: loading, messages.
    pub const META: &'static ::redis_script::__private::ScriptMeta = &::redis_script::__private::script_meta(::redis_script::__private::ScriptParts {
        name: "RateLimiter",
        path: Self::PATH,
        sha1: Self::SHA1,
        source: Self::SOURCE,
        returns: &::redis_script::__private::ReplyShape::Int,
        returns_declared: "int",
        read_only: false,
        target: "redis-7.0",
        source_map: ::redis_script::__private::source_map(
            &[
                ::redis_script::__private::source_file(
                    "lua_scripts/rate_limiter.lua",
                    ::core::option::Option::None,
                ),
            ],
            &[::redis_script::__private::segment(1usize, 0usize, 1usize)],
        ),
        kind: ::redis_script::__private::ScriptKind::Script,
    });
    /**Prepares a call of `lua_scripts/rate_limiter.lua`: Rate limiter script

Run it with `.invoke(&mut con)` on a sync connection or `.invoke_async(&mut con).await` on an async one.

# Arguments

- `rate_limit_key` (`KEYS[1]`, `impl ToSingleRedisArg`): rate limit key
- `limit` (`ARGV[1]`, `impl ToSingleRedisArg`): limit
- `window` (`ARGV[2]`, `impl ToSingleRedisArg`): window (seconds)

# Returns

`int`, as `i64`: 1 if allowed, 0 if rate limited
*/
    #[must_use = "a ScriptCall does nothing until it is invoked"]
    #[allow(clippy::too_many_arguments)]
    pub fn call(
        rate_limit_key: impl ::redis_script::__private::ToSingleRedisArg,
        limit: impl ::redis_script::__private::ToSingleRedisArg,
        window: impl ::redis_script::__private::ToSingleRedisArg,
    ) -> ::redis_script::__private::ScriptCall<i64> {
        let mut __redis_script_call = ::redis_script::__private::call(
            Self::META,
            1usize,
            2usize,
        );
        ::redis_script::__private::push(&mut __redis_script_call, rate_limit_key);
        ::redis_script::__private::push(&mut __redis_script_call, limit);
        ::redis_script::__private::push(&mut __redis_script_call, window);
        __redis_script_call
    }
}
impl ::redis_script::__private::Script for RateLimiter {
    const META: &'static ::redis_script::__private::ScriptMeta = RateLimiter::META;
}
::redis_script::__private::inventory::submit! {
    ::redis_script::__private::registration(RateLimiter::META)
}
