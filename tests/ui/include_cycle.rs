use redis_script::redis_script;

#[redis_script("includes/cycle.lua")]
pub struct Included;

fn main() {}
