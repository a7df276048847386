//! The article's "better" versions raise no lint, and lints can be allowed for a script
//! or for one line.
#![deny(deprecated)]

use redis_script::redis_script;

#[redis_script("lints/keys_command.lua", allow = ["blocking_command"])]
pub struct ListKeys;

#[redis_script("lints/allowed_on_a_line.lua")]
pub struct ListKeysOnPurpose;

#[redis_script("lints/literal_key.lua")]
pub struct LiteralKeyAllowedByDefault;

fn main() {
    let _ = ListKeys::call::<Vec<String>>("user:*");
    let _ = ListKeysOnPurpose::call::<Vec<String>>("user:*");
    let _ = LiteralKeyAllowedByDefault::call::<i64>("home");
}
