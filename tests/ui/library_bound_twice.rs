//! One library, bound by two structs: Redis knows it by one name, so a crate binds it once.

use redis_script::redis_library;

#[redis_library("library/clean.lua")]
pub struct Sessions;

#[redis_library("library/clean.lua")]
pub struct SessionsAgain;

fn main() {}
