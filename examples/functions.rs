//! A Redis Functions library as typed Rust: `lua_scripts/functions/ratelimit.lua`
//! registers `allow`, `hits` (`no-writes`, so `FCALL_RO`) and `reset`; `#[redis_library]`
//! turns them into `RateLimit::allow(key, limit, window)` and friends.
//!
//! `cargo run --example functions` runs it on a throwaway server (or on yours when
//! `REDIS_URL` is set), then on a throwaway 3-primary cluster.

use redis_script::testing::{self, RedisCluster};
use redis_script::{Deployed, redis_library};

/// Fixed-window rate limiting as functions.
#[redis_library("functions/ratelimit.lua")]
pub struct RateLimit;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _server) = testing::client_from_env()?;
    let mut con = client.get_connection()?;
    let key = format!("ratelimit:functions-demo:{}", std::process::id());

    println!(
        "library {} from {} (sha1 {})",
        RateLimit::NAME,
        RateLimit::PATH,
        RateLimit::SHA1
    );
    println!(
        "on the server: {:?}",
        RateLimit::LIBRARY.deployed(&mut con)?
    );
    for n in 1..=4 {
        let allowed = RateLimit::allow(&key, 3, 60).invoke(&mut con)?;
        println!(
            "request {n}: {}",
            if allowed == 1 { "allowed" } else { "blocked" }
        );
    }
    println!(
        "hits (FCALL_RO): {}",
        RateLimit::hits(&key).invoke(&mut con)?
    );
    println!(
        "on the server now: {:?}",
        RateLimit::LIBRARY.deployed(&mut con)?
    );

    let error = RateLimit::allow(&key, 0, 60).invoke(&mut con).unwrap_err();
    println!("a limit of 0: {:?} ({error})", RateLimit::error_of(&error));
    RateLimit::reset(&key).invoke(&mut con)?;

    println!("\non a throwaway cluster:");
    let cluster = RedisCluster::start();
    let mut cluster_con = cluster.connection();
    for report in RateLimit::LIBRARY.load_cluster(&mut cluster_con)? {
        let outcome = match report.outcome {
            Ok(()) => "loaded".to_owned(),
            Err(error) => error.to_string(),
        };
        println!("  primary {}: {outcome}", report.node);
    }
    for user in ["ada", "grace", "linus"] {
        let key = format!("{{{user}}}:requests");
        let allowed = RateLimit::allow(&key, 10, 60).invoke_cluster(&mut cluster_con)?;
        let hits = RateLimit::hits(&key).invoke_cluster(&mut cluster_con)?;
        println!(
            "  {key}: allowed {allowed}, hits {hits} (slot {:?})",
            RateLimit::hits(&key).slot()?
        );
    }
    let deployed = RateLimit::LIBRARY.deployed(&mut cluster.primaries()[0].connection())?;
    assert_eq!(deployed, Deployed::Current);
    Ok(())
}
