use redis_script::redis_library;

#[redis_library("library/bad_function_name.lua")]
pub struct Checked;

fn main() {}
