use redis_script::redis_script;

#[redis_script("includes/missing.lua")]
pub struct Included;

fn main() {}
