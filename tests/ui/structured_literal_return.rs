use redis_script::redis_script;

#[redis_script("structured/literal_return.lua")]
pub struct Checked;

fn main() {}
