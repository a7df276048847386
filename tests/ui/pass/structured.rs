//! `json` and `msgpack` entries take any `Serialize` value, and `json` replies decode into
//! the type the caller picks.

use redis_script::{Json, ScriptCall, redis_script};

#[redis_script("structured/clean.lua")]
pub struct AddJob;

#[derive(serde::Serialize)]
struct Job {
    name: &'static str,
}

#[derive(serde::Deserialize)]
struct Settings {
    _retries: u32,
}

fn main() {
    let extras = [1u8, 2];
    let call: ScriptCall<Option<Vec<Json<Settings>>>> = AddJob::call("jobs", &Job { name: "mail" }, &extras);
    let _ = call;
    let _ = AddJob::call::<serde_json::Value>("jobs", &serde_json::json!({"any": "value"}), &[] as &[u8]);
}
