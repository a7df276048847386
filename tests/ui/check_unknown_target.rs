use redis_script::redis_script;

#[redis_script("targets/release_lock.lua", target = "redis-6.2")]
pub struct TooOld;

#[redis_script("targets/release_lock.lua", target = "keydb-6.3")]
pub struct NotAServer;

fn main() {}
