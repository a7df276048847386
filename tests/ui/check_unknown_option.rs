use redis_script::redis_script;

#[redis_script("checks/unknown_global.lua", targte = "7.4")]
pub struct Checked;

fn main() {}
