use redis_script::redis_script;

#[redis_script("does_not_exist.lua")]
pub struct Missing;

// The struct still exists after the error, so this does not fail too.
fn takes(_: Missing) {}

fn main() {
    takes(Missing);
}
