use redis_script::redis_library;

#[redis_library("library/no_writes_writing.lua")]
pub struct Checked;

fn main() {}
