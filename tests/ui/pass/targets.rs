//! Each target admits what its server has: the same scripts that fail for older targets
//! bind for the targets of the servers that run them.

use redis_script::redis_script;

#[redis_script("targets/session_fields.lua", target = "redis-8.0")]
pub struct SessionFields;

#[redis_script("targets/release_lock.lua", target = "valkey-9.0")]
pub struct ReleaseLock;

#[redis_script("targets/swap_value.lua", target = "valkey-8.1")]
pub struct SwapValue;

#[redis_script("targets/field_ttl.lua", target = "redis-7.4")]
pub struct FieldTtl;

fn main() {
    assert_eq!(SessionFields::META.target(), "redis-8.0");
    assert_eq!(ReleaseLock::META.target(), "valkey-9.0");
    let _ = SwapValue::call("k", "old", "new");
    let _ = FieldTtl::call("h", "f", 60);
}
