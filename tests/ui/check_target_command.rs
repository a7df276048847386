//! Commands, arguments and Lua names a script's target lacks are errors that name the
//! target that has them (the default target is redis-7.0).

use redis_script::redis_script;

#[redis_script("targets/session_fields.lua")]
pub struct SessionFields;

#[redis_script("targets/release_lock.lua", target = "redis-8.0")]
pub struct ReleaseLock;

#[redis_script("targets/swap_value.lua", target = "valkey-8.0")]
pub struct SwapValue;

#[redis_script("targets/field_ttl.lua")]
pub struct FieldTtl;

fn main() {}
