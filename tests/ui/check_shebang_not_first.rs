use redis_script::redis_script;

#[redis_script("checks/shebang_not_first.lua")]
pub struct Checked;

fn main() {}
