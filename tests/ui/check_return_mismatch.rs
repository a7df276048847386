use redis_script::redis_script;

#[redis_script("checks/return_mismatch.lua")]
pub struct Checked;

fn main() {}
