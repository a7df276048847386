use redis_script::redis_script;

#[redis_script("malformed.lua")]
pub struct Malformed;

fn main() {}
