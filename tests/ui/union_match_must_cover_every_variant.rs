use redis_script::redis_script;

#[redis_script("vendor/get_state.lua", returns = "missing: int | state: string")]
pub struct GetState;

fn describe(reply: GetStateReply) -> String {
    match reply {
        GetStateReply::State(state) => state,
    }
}

fn main() {
    let _ = describe;
}
