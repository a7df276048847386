use redis_script::redis_script;

#[redis_script("checks/unknown_global.lua")]
pub struct Checked;

fn main() {}
