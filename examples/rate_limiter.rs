//! The seed's fixed-window rate limiter as a typed call: seven requests against a limit of
//! five, then one more after `SCRIPT FLUSH` to show the transparent reload.
//!
//! `cargo xtask demo` runs it against a throwaway server; `cargo run --example
//! rate_limiter` does the same, or uses your server when `REDIS_URL` is set.

use redis_script::redis_script;
use redis_script::testing;

/// Allows `limit` requests per `window` seconds for a key.
#[redis_script("rate_limiter.lua")]
pub struct RateLimiter;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _server) = testing::client_from_env()?;
    let mut con = client.get_connection()?;
    let key = format!("ratelimit:demo:{}", std::process::id());

    println!("{} (sha1 {})", RateLimiter::PATH, RateLimiter::SHA1);
    println!("limit: 5 requests per 60 s for {key}");
    let request = RateLimiter::call(&key, 5, 60);
    for n in 1..=7 {
        let allowed = request.invoke(&mut con)?;
        println!("request {n}: {}", decision(allowed));
    }

    let () = redis::cmd("SCRIPT").arg("FLUSH").query(&mut con)?;
    println!("SCRIPT FLUSH: the server forgot every script");
    let allowed = request.invoke(&mut con)?;
    println!(
        "request 8: {} (NOSCRIPT answered by SCRIPT LOAD and one retry)",
        decision(allowed)
    );

    let () = redis::cmd("DEL").arg(&key).query(&mut con)?;
    Ok(())
}

fn decision(allowed: i64) -> &'static str {
    if allowed == 1 { "allowed" } else { "blocked" }
}
