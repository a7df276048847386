use redis_script::redis_script;

#[redis_script("structured/wrong_codec.lua")]
pub struct Checked;

fn main() {}
