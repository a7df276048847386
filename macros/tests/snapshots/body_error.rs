/// Docs written on the struct.
/**

Checks one rule.

Bound to `lua_scripts/checks/unknown_command.lua` by `#[redis_script]`; call it with [`Checked::call`](Self::call).

# KEYS

- `key` (`KEYS[1]`, `impl ToSingleRedisArg`): A key

# ARGV

- `value` (`ARGV[1]`, `impl ToSingleRedisArg`): A value

# RETURNS

Not declared: the caller picks any `FromRedisValue` type.

# Source

SHA1 `742a3d6ec37f46816aeb5e614f1122678fe2e28e`

```lua
--[[
    Checks one rule.

    KEYS:
        [1] key - A key
    ARGV:
        [1] value - A value
--]]
return redis.call("INCRR", KEYS[1], ARGV[1])
```
*/
pub struct Checked;
impl Checked {
    /// SHA1 of the script: 40 lowercase hex digits, the name Redis knows it by.
    pub const SHA1: &'static str = "742a3d6ec37f46816aeb5e614f1122678fe2e28e";
    /// The text sent to Redis, which its SHA1 is of: the file's bytes, each
    /// `--- @include` line replaced by the file it names.
    pub const SOURCE: &'static str = ::core::include_str!(
        "$WORKSPACE/tests/ui/lua_scripts/checks/unknown_command.lua"
    );
    /// The script's path from the crate root.
    pub const PATH: &'static str = "lua_scripts/checks/unknown_command.lua";
    /// The script's description for the runtime: loading, messages.
    pub const META: &'static ::redis_script::__private::ScriptMeta = &::redis_script::__private::script_meta(::redis_script::__private::ScriptParts {
        name: "Checked",
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
                    "lua_scripts/checks/unknown_command.lua",
                    ::core::option::Option::None,
                ),
            ],
            &[::redis_script::__private::segment(1usize, 0usize, 1usize)],
        ),
        kind: ::redis_script::__private::ScriptKind::Script,
    });
    /**Prepares a call of `lua_scripts/checks/unknown_command.lua`: Checks one rule.

Run it with `.invoke(&mut con)` on a sync connection or `.invoke_async(&mut con).await` on an async one.

# Arguments

- `key` (`KEYS[1]`, `impl ToSingleRedisArg`): A key
- `value` (`ARGV[1]`, `impl ToSingleRedisArg`): A value

# Returns

Not declared: the caller picks any `FromRedisValue` type.
*/
    #[must_use = "a ScriptCall does nothing until it is invoked"]
    #[allow(clippy::too_many_arguments)]
    pub fn call<Reply: ::redis_script::__private::FromRedisValue>(
        key: impl ::redis_script::__private::ToSingleRedisArg,
        value: impl ::redis_script::__private::ToSingleRedisArg,
    ) -> ::redis_script::__private::ScriptCall<Reply> {
        let mut __redis_script_call = ::redis_script::__private::call(
            Self::META,
            1usize,
            1usize,
        );
        ::redis_script::__private::push(&mut __redis_script_call, key);
        ::redis_script::__private::push(&mut __redis_script_call, value);
        __redis_script_call
    }
}
impl ::redis_script::__private::Script for Checked {
    const META: &'static ::redis_script::__private::ScriptMeta = Checked::META;
}
::redis_script::__private::inventory::submit! {
    ::redis_script::__private::registration(Checked::META)
}
::core::compile_error! {
    "lua_scripts/checks/unknown_command.lua:9:19: `INCRR` is not a Redis 7.0.15 command [unknown_command]\n  |\n9 | return redis.call(\"INCRR\", KEYS[1], ARGV[1])\n  |                   ^^^^^^^\n  = note: `unknown_command` (RS0101) is an error here; `-- redis-script: allow(unknown_command)` allows it on this line, `redis-script explain unknown_command` says more\n  = help: did you mean `INCR`?"
}
