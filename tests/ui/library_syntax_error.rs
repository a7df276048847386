use redis_script::redis_library;

#[redis_library("library/syntax_error.lua")]
pub struct Checked;

fn main() {}
