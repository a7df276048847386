/// Docs written on the struct.
/**

Returns its keys followed by its arguments, to test how calls are encoded.

Bound to `lua_scripts/testing/echo_keys.lua` by `#[redis_script]`; call it with [`EchoKeys::call`](Self::call).

# KEYS

- `first` (`KEYS[1]`, `impl ToSingleRedisArg`): The first key
- `others` (`KEYS[2..]`, `&[impl ToSingleRedisArg]`): Any further keys

# ARGV

- `count` (`ARGV[1]`, `i64`): A number
- `ratio` (`ARGV[2]`, `f64`): A fraction
- `flag` (`ARGV[3]`, `bool`): A switch
- `label` (`ARGV[4]`, `impl AsRef<str>`): Some text
- `blob` (`ARGV[5]`, `impl AsRef<[u8]>`): Some bytes

# RETURNS

`[bytes]`, as `Vec<Vec<u8>>`: KEYS, then ARGV, as sent

# Source

SHA1 `cf4bea1b0586107f346941b5675cbeefdc702634`

```lua
--[[
    Returns its keys followed by its arguments, to test how calls are encoded.

    KEYS:
        [1] first - The first key
        [2..] others - Any further keys
    ARGV:
        [1] count: int - A number
        [2] ratio: float - A fraction
        [3] flag: bool - A switch
        [4] label: string - Some text
        [5] blob: bytes - Some bytes
    RETURNS: [bytes] - KEYS, then ARGV, as sent
--]]

local out = {}
for i = 1, #KEYS do
    out[#out + 1] = KEYS[i]
end
out[#out + 1] = ARGV[1]
out[#out + 1] = ARGV[2]
out[#out + 1] = ARGV[3]
out[#out + 1] = ARGV[4]
out[#out + 1] = ARGV[5]
return out
```
*/
pub struct EchoKeys;
impl EchoKeys {
    /// SHA1 of the script: 40 lowercase hex digits, the name Redis knows it by.
    pub const SHA1: &'static str = "cf4bea1b0586107f346941b5675cbeefdc702634";
    /// The text sent to Redis, which its SHA1 is of: the file's bytes, each
    /// `--- @include` line replaced by the file it names.
    pub const SOURCE: &'static str = ::core::include_str!(
        "$WORKSPACE/lua_scripts/testing/echo_keys.lua"
    );
    /// The script's path from the crate root.
    pub const PATH: &'static str = "lua_scripts/testing/echo_keys.lua";
    /// The script's description for the runtime: loading, messages.
    pub const META: &'static ::redis_script::__private::ScriptMeta = &::redis_script::__private::script_meta(::redis_script::__private::ScriptParts {
        name: "EchoKeys",
        path: Self::PATH,
        sha1: Self::SHA1,
        source: Self::SOURCE,
        returns: &::redis_script::__private::ReplyShape::Array(
            &::redis_script::__private::ReplyShape::Bytes,
        ),
        returns_declared: "[bytes]",
        read_only: false,
        target: "redis-7.0",
        source_map: ::redis_script::__private::source_map(
            &[
                ::redis_script::__private::source_file(
                    "lua_scripts/testing/echo_keys.lua",
                    ::core::option::Option::None,
                ),
            ],
            &[::redis_script::__private::segment(1usize, 0usize, 1usize)],
        ),
        kind: ::redis_script::__private::ScriptKind::Script,
    });
    /**Prepares a call of `lua_scripts/testing/echo_keys.lua`: Returns its keys followed by its arguments, to test how calls are encoded.

Run it with `.invoke(&mut con)` on a sync connection or `.invoke_async(&mut con).await` on an async one.

# Arguments

- `first` (`KEYS[1]`, `impl ToSingleRedisArg`): The first key
- `others` (`KEYS[2..]`, `&[impl ToSingleRedisArg]`): Any further keys
- `count` (`ARGV[1]`, `i64`): A number
- `ratio` (`ARGV[2]`, `f64`): A fraction
- `flag` (`ARGV[3]`, `bool`): A switch
- `label` (`ARGV[4]`, `impl AsRef<str>`): Some text
- `blob` (`ARGV[5]`, `impl AsRef<[u8]>`): Some bytes

# Returns

`[bytes]`, as `Vec<Vec<u8>>`: KEYS, then ARGV, as sent
*/
    #[must_use = "a ScriptCall does nothing until it is invoked"]
    #[allow(clippy::too_many_arguments)]
    pub fn call(
        first: impl ::redis_script::__private::ToSingleRedisArg,
        others: &[impl ::redis_script::__private::ToSingleRedisArg],
        count: i64,
        ratio: f64,
        flag: bool,
        label: impl ::redis_script::__private::AsRef<str>,
        blob: impl ::redis_script::__private::AsRef<[u8]>,
    ) -> ::redis_script::__private::ScriptCall<
        ::redis_script::__private::Vec<::redis_script::__private::Vec<u8>>,
    > {
        let mut __redis_script_call = ::redis_script::__private::call(
            Self::META,
            1usize + others.len(),
            5usize,
        );
        ::redis_script::__private::push(&mut __redis_script_call, first);
        for __redis_script_item in others {
            ::redis_script::__private::push(
                &mut __redis_script_call,
                __redis_script_item,
            );
        }
        ::redis_script::__private::push(&mut __redis_script_call, count);
        ::redis_script::__private::push(&mut __redis_script_call, ratio);
        ::redis_script::__private::push(&mut __redis_script_call, flag);
        ::redis_script::__private::push(&mut __redis_script_call, label.as_ref());
        ::redis_script::__private::push(&mut __redis_script_call, blob.as_ref());
        __redis_script_call
    }
}
impl ::redis_script::__private::Script for EchoKeys {
    const META: &'static ::redis_script::__private::ScriptMeta = EchoKeys::META;
}
::redis_script::__private::inventory::submit! {
    ::redis_script::__private::registration(EchoKeys::META)
}
