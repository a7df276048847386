use redis_script::redis_library;

#[redis_library("library/load_time.lua")]
pub struct Checked;

fn main() {}
