use redis_script::redis_script;

#[redis_script("structured/encoded_key.lua")]
pub struct Checked;

fn main() {}
