use redis_script::redis_script;

#[redis_script("checks/no_writes_writing.lua")]
pub struct Checked;

fn main() {}
