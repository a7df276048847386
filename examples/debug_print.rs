//! The seed's debugging patterns with a typed script: `debug_print` lines in the server's
//! log, debug information returned next to the result, a latency profile, and the command
//! line that steps through the call in Redis's Lua debugger.
//!
//! `cargo run --example debug_print` (it starts its own server, whose log it reads).

use redis_script::testing::{RedisServer, latency_profile};
use redis_script_examples::DebugPrint;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = RedisServer::start();
    let mut con = server.connection();

    let mark = server.log_mark();
    for _ in 0..2 {
        let (value, steps) = DebugPrint::call("debug:counter").invoke(&mut con)?;
        println!("result {value}, steps: {}", steps.join("; "));
    }
    for line in server.log_since(mark) {
        if line.message.starts_with("[DEBUG]") {
            println!("server log ({:?}): {}", line.level, line.message);
        }
    }

    let call = DebugPrint::call("debug:counter");
    let profile = latency_profile(10, 200, || call.invoke(&mut con).map(drop))?;
    println!("latency: {profile}");
    println!("step through it: {}", call.ldb_command());
    Ok(())
}
