use redis_script::redis_script;

#[redis_script("missing_index.lua")]
pub struct Copy;

fn main() {}
