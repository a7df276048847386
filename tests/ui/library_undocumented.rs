use redis_script::redis_library;

#[redis_library("library/undocumented.lua")]
pub struct Checked;

fn main() {}
