/// Docs written on the struct.
/**

Atomic transfer: moves an amount from one balance to another, or changes
nothing when the source balance is too low.

Bound to `lua_scripts/transfer.lua` by `#[redis_script]`; call it with [`Transfer::call`](Self::call).

# KEYS

- `from` (`KEYS[1]`, `impl ToSingleRedisArg`): Balance to take the amount from (e.g. "balance:alice")
- `to` (`KEYS[2]`, `impl ToSingleRedisArg`): Balance to add the amount to (e.g. "balance:bob")

# ARGV

- `amount` (`ARGV[1]`, `i64`): Amount to move

# RETURNS

`string`, as `String`: "OK" once the amount has moved

# ERRORS

- `INSUFFICIENT_BALANCE`: the source balance is lower than the amount; nothing moved

Match them with `error_of`.

# EXAMPLE

```text
EVAL script 2 balance:alice balance:bob 30
```

# Source

SHA1 `bc41e627a8e8ad46edfdafd4a1b83ef637819c75`

```lua
--[[
    Atomic transfer: moves an amount from one balance to another, or changes
    nothing when the source balance is too low.

    KEYS:
        [1] from - Balance to take the amount from (e.g. "balance:alice")
        [2] to - Balance to add the amount to (e.g. "balance:bob")
    ARGV:
        [1] amount: int - Amount to move
    RETURNS: string - "OK" once the amount has moved
    ERRORS:
        INSUFFICIENT_BALANCE - the source balance is lower than the amount; nothing moved
    EXAMPLE:
        EVAL script 2 balance:alice balance:bob 30
--]]

local from_key = KEYS[1]
local to_key = KEYS[2]
local amount = tonumber(ARGV[1])

local from_balance = tonumber(redis.call('GET', from_key) or 0)

if from_balance < amount then
    return redis.error_reply("INSUFFICIENT_BALANCE Insufficient balance")
end

redis.call('DECRBY', from_key, amount)
redis.call('INCRBY', to_key, amount)

return 'OK'
```
*/
pub struct Transfer;
impl Transfer {
    /// SHA1 of the script: 40 lowercase hex digits, the name Redis knows it by.
    pub const SHA1: &'static str = "bc41e627a8e8ad46edfdafd4a1b83ef637819c75";
    /// The text sent to Redis, which its SHA1 is of: the file's bytes, each
    /// `--- @include` line replaced by the file it names.
    pub const SOURCE: &'static str = ::core::include_str!(
        "$WORKSPACE/lua_scripts/transfer.lua"
    );
    /// The script's path from the crate root.
    pub const PATH: &'static str = "lua_scripts/transfer.lua";
    /// The script's description for the runtime: loading, messages.
    pub const META: &'static ::redis_script::__private::ScriptMeta = &::redis_script::__private::script_meta(::redis_script::__private::ScriptParts {
        name: "Transfer",
        path: Self::PATH,
        sha1: Self::SHA1,
        source: Self::SOURCE,
        returns: &::redis_script::__private::ReplyShape::String,
        returns_declared: "string",
        read_only: false,
        target: "redis-7.0",
        source_map: ::redis_script::__private::source_map(
            &[
                ::redis_script::__private::source_file(
                    "lua_scripts/transfer.lua",
                    ::core::option::Option::None,
                ),
            ],
            &[::redis_script::__private::segment(1usize, 0usize, 1usize)],
        ),
        kind: ::redis_script::__private::ScriptKind::Script,
    });
    /**Prepares a call of `lua_scripts/transfer.lua`: Atomic transfer: moves an amount from one balance to another, or changes nothing when the source balance is too low.

Run it with `.invoke(&mut con)` on a sync connection or `.invoke_async(&mut con).await` on an async one.

# Arguments

- `from` (`KEYS[1]`, `impl ToSingleRedisArg`): Balance to take the amount from (e.g. "balance:alice")
- `to` (`KEYS[2]`, `impl ToSingleRedisArg`): Balance to add the amount to (e.g. "balance:bob")
- `amount` (`ARGV[1]`, `i64`): Amount to move

# Returns

`string`, as `String`: "OK" once the amount has moved
*/
    #[must_use = "a ScriptCall does nothing until it is invoked"]
    #[allow(clippy::too_many_arguments)]
    pub fn call(
        from: impl ::redis_script::__private::ToSingleRedisArg,
        to: impl ::redis_script::__private::ToSingleRedisArg,
        amount: i64,
    ) -> ::redis_script::__private::ScriptCall<::redis_script::__private::String> {
        let mut __redis_script_call = ::redis_script::__private::call(
            Self::META,
            2usize,
            1usize,
        );
        ::redis_script::__private::push(&mut __redis_script_call, from);
        ::redis_script::__private::push(&mut __redis_script_call, to);
        ::redis_script::__private::push(&mut __redis_script_call, amount);
        __redis_script_call
    }
}
impl ::redis_script::__private::Script for Transfer {
    const META: &'static ::redis_script::__private::ScriptMeta = Transfer::META;
}
///The error codes `lua_scripts/transfer.lua` declares in its ERRORS sections; match an error against them with [`Transfer::error_of`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TransferError {
    ///`INSUFFICIENT_BALANCE`: the source balance is lower than the amount; nothing moved
    InsufficientBalance,
}
impl TransferError {
    /// The code as the script sends it.
    pub const fn code(self) -> &'static str {
        match self {
            Self::InsufficientBalance => "INSUFFICIENT_BALANCE",
        }
    }
    /// The variant for `code`, when the ERRORS section declares it.
    pub fn from_code(code: &str) -> ::core::option::Option<Self> {
        match code {
            "INSUFFICIENT_BALANCE" => {
                ::core::option::Option::Some(Self::InsufficientBalance)
            }
            _ => ::core::option::Option::None,
        }
    }
}
impl Transfer {
    /// The declared error `error` carries, if any: `None` for other failures and for
    /// codes the ERRORS section does not declare (those stay in `error.kind()`).
    pub fn error_of(
        error: &::redis_script::Error,
    ) -> ::core::option::Option<TransferError> {
        error.code().and_then(TransferError::from_code)
    }
}
::redis_script::__private::inventory::submit! {
    ::redis_script::__private::registration(Transfer::META)
}
