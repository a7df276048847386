use redis_script::redis_script;

#[redis_script("checks/dynamic_keys.lua")]
pub struct Checked;

fn main() {}
