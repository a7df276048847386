//! `deny` makes a lint an error; an unknown lint name is refused.

use redis_script::redis_script;

#[redis_script("lints/whole_set.lua", deny = ["whole_collection_reply"])]
pub struct Denied;

#[redis_script("lints/whole_set.lua", allow = ["whole_colection_reply"])]
pub struct Misspelled;

fn main() {}
