use redis_script::redis_script;

#[redis_script("checks/unknown_flag.lua")]
pub struct Checked;

fn main() {}
