//! Redis keeps function names in one space across libraries: two libraries of a crate
//! registering the same function cannot both load.

use redis_script::redis_library;

#[redis_library("library/first_get.lua")]
pub struct First;

#[redis_library("library/second_get.lua")]
pub struct Second;

fn main() {}
