/// Docs written on the struct.
/**

Reads a string value; declared read-only, so it runs on replicas.

Bound to `lua_scripts/testing/read_value.lua` by `#[redis_script]`; call it with [`ReadValue::call`](Self::call).

# KEYS

- `key` (`KEYS[1]`, `impl ToSingleRedisArg`): The key to read

# RETURNS

`string?`, as `Option<String>`: the value, or nil when the key does not exist

# Source

SHA1 `daaa55179e3b607922de966c0fa314d756a88367`

```lua
#!lua flags=no-writes
--[[
    Reads a string value; declared read-only, so it runs on replicas.

    KEYS:
        [1] key - The key to read
    RETURNS: string? - the value, or nil when the key does not exist
--]]
return redis.call('GET', KEYS[1])
```
*/
pub struct ReadValue;
impl ReadValue {
    /// SHA1 of the script: 40 lowercase hex digits, the name Redis knows it by.
    pub const SHA1: &'static str = "daaa55179e3b607922de966c0fa314d756a88367";
    /// The text sent to Redis, which its SHA1 is of: the file's bytes, each
    /// `--- @include` line replaced by the file it names.
    pub const SOURCE: &'static str = ::core::include_str!(
        "$WORKSPACE/lua_scripts/testing/read_value.lua"
    );
    /// The script's path from the crate root.
    pub const PATH: &'static str = "lua_scripts/testing/read_value.lua";
    /// The script's description for the runtime: loading, messages.
    pub const META: &'static ::redis_script::__private::ScriptMeta = &::redis_script::__private::script_meta(::redis_script::__private::ScriptParts {
        name: "ReadValue",
        path: Self::PATH,
        sha1: Self::SHA1,
        source: Self::SOURCE,
        returns: &::redis_script::__private::ReplyShape::Optional(
            &::redis_script::__private::ReplyShape::String,
        ),
        returns_declared: "string?",
        read_only: true,
        target: "redis-7.0",
        source_map: ::redis_script::__private::source_map(
            &[
                ::redis_script::__private::source_file(
                    "lua_scripts/testing/read_value.lua",
                    ::core::option::Option::None,
                ),
            ],
            &[::redis_script::__private::segment(1usize, 0usize, 1usize)],
        ),
        kind: ::redis_script::__private::ScriptKind::Script,
    });
    /**Prepares a call of `lua_scripts/testing/read_value.lua`: Reads a string value; declared read-only, so it runs on replicas.

Run it with `.invoke(&mut con)` on a sync connection or `.invoke_async(&mut con).await` on an async one.

# Arguments

- `key` (`KEYS[1]`, `impl ToSingleRedisArg`): The key to read

# Returns

`string?`, as `Option<String>`: the value, or nil when the key does not exist
*/
    #[must_use = "a ScriptCall does nothing until it is invoked"]
    #[allow(clippy::too_many_arguments)]
    pub fn call(
        key: impl ::redis_script::__private::ToSingleRedisArg,
    ) -> ::redis_script::__private::ScriptCall<
        ::redis_script::__private::Option<::redis_script::__private::String>,
    > {
        let mut __redis_script_call = ::redis_script::__private::call(
            Self::META,
            1usize,
            0usize,
        );
        ::redis_script::__private::push(&mut __redis_script_call, key);
        __redis_script_call
    }
}
impl ::redis_script::__private::Script for ReadValue {
    const META: &'static ::redis_script::__private::ScriptMeta = ReadValue::META;
}
::redis_script::__private::inventory::submit! {
    ::redis_script::__private::registration(ReadValue::META)
}
