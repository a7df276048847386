use redis_script::redis_library;

#[redis_library("library/no_name.lua")]
pub struct Checked;

fn main() {}
