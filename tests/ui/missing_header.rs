use redis_script::redis_script;

#[redis_script("no_header.lua")]
pub struct NoHeader;

fn main() {}
