//! A clean library binds: a method per registered function, FCALL_RO for `no-writes`,
//! camelCase function names as snake_case methods.

use redis_script::{Library, redis_library};

#[redis_library("library/clean.lua")]
pub struct Sessions;

fn main() {
    let open = Sessions::open("session:1", "ada", 3600);
    assert_eq!(open.script().function_name(), Some("open"));
    let owner = Sessions::session_owner("session:1");
    assert!(owner.script().read_only());
    let _: &redis_script::FunctionCall<Option<String>> = &owner;
    assert_eq!(Sessions::NAME, "sessions");
    assert_eq!(<Sessions as Library>::LIBRARY.library_name(), Some("sessions"));
}
