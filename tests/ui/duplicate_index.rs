use redis_script::redis_script;

#[redis_script("duplicate_index.lua")]
pub struct Copy;

fn main() {}
