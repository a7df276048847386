use redis_script::redis_script;

#[redis_script("checks/syntax_error.lua")]
pub struct Checked;

fn main() {}
