/// Docs written on the struct.
/**

Moves the next waiting job to the active list and locks it with the worker's token.

Bound to `lua_scripts/vendor/moveToActive-4.lua` by `#[redis_script]`; call it with [`MoveToActive::call`](Self::call).

# KEYS

- `wait` (`KEYS[1]`, `impl ToSingleRedisArg`): wait
- `active` (`KEYS[2]`, `impl ToSingleRedisArg`): active
- `meta` (`KEYS[3]`, `impl ToSingleRedisArg`): meta
- `events` (`KEYS[4]`, `impl ToSingleRedisArg`): events

# ARGV

- `key_prefix` (`ARGV[1]`, `impl ToSingleRedisArg`): key prefix
- `token` (`ARGV[2]`, `impl AsRef<str>`, `string` by the binding): the worker's lock token
- `opts` (`ARGV[3]`, `&(impl Serialize + ?Sized)`, `msgpack` by the binding): msgpacked opts

# RETURNS

`code: int | job: (string, string, string, int)`, as [`MoveToActiveReply`]: a variant per alternative. 0 - no job is waiting
-1 - the queue is paused
otherwise the job: its id, name, data and the attempts made so far

- `MoveToActiveReply::Code`: `int`
- `MoveToActiveReply::Job`: `(string, string, string, int)`

# Source

SHA1 `3a265d5002225994321e20e2be88856cd68c55b4` (of the text sent: the file below with its includes, `lua_scripts/vendor/includes/emitEvent.lua`, expanded)

```lua
--[[
  Moves the next waiting job to the active list and locks it with the worker's token.

    Input:
      KEYS[1] 'wait',
      KEYS[2] 'active',
      KEYS[3] 'meta'
      KEYS[4] 'events'

      ARGV[1] key prefix
      ARGV[2] token
      ARGV[3] msgpacked opts

      opts - lockDuration - milliseconds the lock lasts

    Output:
      0 - no job is waiting
     -1 - the queue is paused
      otherwise the job: its id, name, data and the attempts made so far
]]
local rcall = redis.call

--- @include "includes/emitEvent"

if rcall("HEXISTS", KEYS[3], "paused") == 1 then
  return -1
end

local jobId = rcall("RPOPLPUSH", KEYS[1], KEYS[2])
if not jobId then
  return 0
end

local opts = cmsgpack.unpack(ARGV[3])
local jobKey = ARGV[1] .. jobId
rcall("SET", jobKey .. ":lock", ARGV[2], "PX", opts["lockDuration"])
local attempts = rcall("HINCRBY", jobKey, "attemptsMade", 1)
rcall("HSET", jobKey, "state", "active")
emitEvent(KEYS[4], "active", jobId)
local job = rcall("HMGET", jobKey, "name", "data")
return {jobId, job[1], job[2], attempts}
```
*/
pub struct MoveToActive;
impl MoveToActive {
    /// SHA1 of the script: 40 lowercase hex digits, the name Redis knows it by.
    pub const SHA1: &'static str = "3a265d5002225994321e20e2be88856cd68c55b4";
    /// The text sent to Redis, which its SHA1 is of: the file's bytes, each
    /// `--- @include` line replaced by the file it names.
    pub const SOURCE: &'static str = "--[[\n  Moves the next waiting job to the active list and locks it with the worker's token.\n\n    Input:\n      KEYS[1] 'wait',\n      KEYS[2] 'active',\n      KEYS[3] 'meta'\n      KEYS[4] 'events'\n\n      ARGV[1] key prefix\n      ARGV[2] token\n      ARGV[3] msgpacked opts\n\n      opts - lockDuration - milliseconds the lock lasts\n\n    Output:\n      0 - no job is waiting\n     -1 - the queue is paused\n      otherwise the job: its id, name, data and the attempts made so far\n]]\nlocal rcall = redis.call\n\n--[[\n  Appends an event to the queue's events stream, trimmed to about ten thousand entries.\n]]\nlocal function emitEvent(stream, event, jobId)\n  rcall(\"XADD\", stream, \"MAXLEN\", \"~\", 10000, \"*\", \"event\", event, \"jobId\", jobId)\nend\n\nif rcall(\"HEXISTS\", KEYS[3], \"paused\") == 1 then\n  return -1\nend\n\nlocal jobId = rcall(\"RPOPLPUSH\", KEYS[1], KEYS[2])\nif not jobId then\n  return 0\nend\n\nlocal opts = cmsgpack.unpack(ARGV[3])\nlocal jobKey = ARGV[1] .. jobId\nrcall(\"SET\", jobKey .. \":lock\", ARGV[2], \"PX\", opts[\"lockDuration\"])\nlocal attempts = rcall(\"HINCRBY\", jobKey, \"attemptsMade\", 1)\nrcall(\"HSET\", jobKey, \"state\", \"active\")\nemitEvent(KEYS[4], \"active\", jobId)\nlocal job = rcall(\"HMGET\", jobKey, \"name\", \"data\")\nreturn {jobId, job[1], job[2], attempts}\n";
    /// The script's path from the crate root.
    pub const PATH: &'static str = "lua_scripts/vendor/moveToActive-4.lua";
    /// The script's description for the runtime: loading, messages.
    pub const META: &'static ::redis_script::__private::ScriptMeta = &::redis_script::__private::script_meta(::redis_script::__private::ScriptParts {
        name: "MoveToActive",
        path: Self::PATH,
        sha1: Self::SHA1,
        source: Self::SOURCE,
        returns: &::redis_script::__private::ReplyShape::Union(
            &[
                ::redis_script::__private::ReplyShape::Int,
                ::redis_script::__private::ReplyShape::Tuple(
                    &[
                        ::redis_script::__private::ReplyShape::String,
                        ::redis_script::__private::ReplyShape::String,
                        ::redis_script::__private::ReplyShape::String,
                        ::redis_script::__private::ReplyShape::Int,
                    ],
                ),
            ],
        ),
        returns_declared: "code: int | job: (string, string, string, int)",
        read_only: false,
        target: "redis-7.0",
        source_map: ::redis_script::__private::source_map(
            &[
                ::redis_script::__private::source_file(
                    "lua_scripts/vendor/moveToActive-4.lua",
                    ::core::option::Option::None,
                ),
                ::redis_script::__private::source_file(
                    "lua_scripts/vendor/includes/emitEvent.lua",
                    ::core::option::Option::Some((0usize, 23usize)),
                ),
            ],
            &[
                ::redis_script::__private::segment(1usize, 0usize, 1usize),
                ::redis_script::__private::segment(23usize, 1usize, 1usize),
                ::redis_script::__private::segment(29usize, 0usize, 24usize),
            ],
        ),
        kind: ::redis_script::__private::ScriptKind::Script,
    });
    /**Prepares a call of `lua_scripts/vendor/moveToActive-4.lua`: Moves the next waiting job to the active list and locks it with the worker's token.

Run it with `.invoke(&mut con)` on a sync connection or `.invoke_async(&mut con).await` on an async one.

# Arguments

- `wait` (`KEYS[1]`, `impl ToSingleRedisArg`): wait
- `active` (`KEYS[2]`, `impl ToSingleRedisArg`): active
- `meta` (`KEYS[3]`, `impl ToSingleRedisArg`): meta
- `events` (`KEYS[4]`, `impl ToSingleRedisArg`): events
- `key_prefix` (`ARGV[1]`, `impl ToSingleRedisArg`): key prefix
- `token` (`ARGV[2]`, `impl AsRef<str>`, `string` by the binding): the worker's lock token
- `opts` (`ARGV[3]`, `&(impl Serialize + ?Sized)`, `msgpack` by the binding): msgpacked opts

# Returns

`code: int | job: (string, string, string, int)`, as [`MoveToActiveReply`]: a variant per alternative. 0 - no job is waiting
-1 - the queue is paused
otherwise the job: its id, name, data and the attempts made so far

- `MoveToActiveReply::Code`: `int`
- `MoveToActiveReply::Job`: `(string, string, string, int)`
*/
    #[must_use = "a ScriptCall does nothing until it is invoked"]
    #[allow(clippy::too_many_arguments)]
    pub fn call(
        wait: impl ::redis_script::__private::ToSingleRedisArg,
        active: impl ::redis_script::__private::ToSingleRedisArg,
        meta: impl ::redis_script::__private::ToSingleRedisArg,
        events: impl ::redis_script::__private::ToSingleRedisArg,
        key_prefix: impl ::redis_script::__private::ToSingleRedisArg,
        token: impl ::redis_script::__private::AsRef<str>,
        opts: &(impl ::redis_script::__private::Serialize + ?Sized),
    ) -> ::redis_script::__private::ScriptCall<MoveToActiveReply> {
        let mut __redis_script_call = ::redis_script::__private::call(
            Self::META,
            4usize,
            3usize,
        );
        ::redis_script::__private::push(&mut __redis_script_call, wait);
        ::redis_script::__private::push(&mut __redis_script_call, active);
        ::redis_script::__private::push(&mut __redis_script_call, meta);
        ::redis_script::__private::push(&mut __redis_script_call, events);
        ::redis_script::__private::push(&mut __redis_script_call, key_prefix);
        ::redis_script::__private::push(&mut __redis_script_call, token.as_ref());
        ::redis_script::__private::push_msgpack(
            &mut __redis_script_call,
            opts,
            "ARGV[3] (`opts`)",
        );
        __redis_script_call
    }
}
impl ::redis_script::__private::Script for MoveToActive {
    const META: &'static ::redis_script::__private::ScriptMeta = MoveToActive::META;
}
///The replies `lua_scripts/vendor/moveToActive-4.lua` may send: its RETURNS `code: int | job: (string, string, string, int)`, a variant per alternative. A reply is the first alternative whose shape it fits.
#[derive(Debug, Clone, PartialEq)]
pub enum MoveToActiveReply {
    ///`int`.
    Code(i64),
    ///`(string, string, string, int)`.
    Job(
        ::redis_script::__private::String,
        ::redis_script::__private::String,
        ::redis_script::__private::String,
        i64,
    ),
}
impl ::redis_script::__private::FromRedisValue for MoveToActiveReply {
    fn from_redis_value(
        __redis_script_value: ::redis_script::__private::Value,
    ) -> ::core::result::Result<Self, ::redis_script::__private::ParsingError> {
        if ::redis_script::__private::ReplyShape::Int.accepts(&__redis_script_value) {
            return ::core::result::Result::Ok(
                Self::Code(
                    ::redis_script::__private::FromRedisValue::from_redis_value(
                        __redis_script_value,
                    )?,
                ),
            );
        }
        if ::redis_script::__private::ReplyShape::Tuple(
                &[
                    ::redis_script::__private::ReplyShape::String,
                    ::redis_script::__private::ReplyShape::String,
                    ::redis_script::__private::ReplyShape::String,
                    ::redis_script::__private::ReplyShape::Int,
                ],
            )
            .accepts(&__redis_script_value)
        {
            return ::core::result::Result::Ok({
                let (
                    __redis_script_0,
                    __redis_script_1,
                    __redis_script_2,
                    __redis_script_3,
                ): (
                    ::redis_script::__private::String,
                    ::redis_script::__private::String,
                    ::redis_script::__private::String,
                    i64,
                ) = ::redis_script::__private::FromRedisValue::from_redis_value(
                    __redis_script_value,
                )?;
                Self::Job(
                    __redis_script_0,
                    __redis_script_1,
                    __redis_script_2,
                    __redis_script_3,
                )
            });
        }
        ::core::result::Result::Err(
            ::redis_script::__private::no_alternative(
                "code: int | job: (string, string, string, int)",
                &__redis_script_value,
            ),
        )
    }
}
const _: [&str; 2usize] = [
    ::core::include_str!("$WORKSPACE/lua_scripts/vendor/moveToActive-4.lua"),
    ::core::include_str!("$WORKSPACE/lua_scripts/vendor/includes/emitEvent.lua"),
];
::redis_script::__private::require_msgpack!("lua_scripts/vendor/moveToActive-4.lua");
::redis_script::__private::inventory::submit! {
    ::redis_script::__private::registration(MoveToActive::META)
}
