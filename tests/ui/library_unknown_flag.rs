use redis_script::redis_library;

#[redis_library("library/unknown_flag.lua")]
pub struct Checked;

fn main() {}
