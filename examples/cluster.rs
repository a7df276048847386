//! Typed scripts on Redis Cluster: calls routed by their keys' slot, hash tags for scripts
//! with several keys, the cross-slot error, and a batch, sync and async.
//!
//! `cargo run --example cluster` starts a throwaway 3-primary, 3-replica cluster on
//! loopback (a few seconds), or uses yours when `REDIS_CLUSTER_URLS` lists its nodes:
//! `REDIS_CLUSTER_URLS=redis://10.0.0.1:6379,redis://10.0.0.2:6379`.

use redis::cluster::ClusterClient;
use redis_script::testing::RedisCluster;
use redis_script::{Batch, ErrorKind, redis_script};

/// Allows a request if fewer than `limit` were allowed in the last `window` seconds.
#[redis_script("rate_limiter.lua")]
pub struct RateLimiter;

/// Moves an amount between two balances, or fails with "Insufficient balance".
#[redis_script("transfer.lua")]
pub struct Transfer;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _cluster) = cluster_client()?;
    let mut con = client.get_connection()?;
    let run = std::process::id();

    // One key: the call goes to the primary that owns its slot.
    let user = format!("ratelimit:{run}:user1");
    let allowed: Vec<i64> = (0..4)
        .map(|_| RateLimiter::call(&user, 3, 60).invoke_cluster(&mut con))
        .collect::<Result<_, _>>()?;
    println!(
        "rate limiter on {user} (slot {:?}): {allowed:?}",
        RateLimiter::call(&user, 3, 60).slot()?
    );

    // Two keys in different slots: refused on the client, with the fix in the message.
    let (alice, bob) = (format!("balance:{run}:alice"), format!("balance:{run}:bob"));
    match Transfer::call(&alice, &bob, 10).invoke_cluster(&mut con) {
        Err(error) if matches!(error.kind(), ErrorKind::CrossSlot { .. }) => {
            println!("as expected, the cluster cannot run this call:\n{error}\n");
        }
        other => return Err(format!("expected a cross-slot error, got {other:?}").into()),
    }

    // A common hash tag puts both balances in one slot.
    let (alice, bob) = (format!("{{{run}}}:alice"), format!("{{{run}}}:bob"));
    let () = redis::cmd("SET").arg(&alice).arg(100).query(&mut con)?;
    let moved = Transfer::call(&alice, &bob, 30).invoke_cluster(&mut con)?;
    println!("transfer between {alice} and {bob}: {moved}");

    // A batch goes to one node, so its keys share the tag too.
    let mut batch = Batch::transaction();
    let first = batch.add(Transfer::call(&alice, &bob, 20));
    let balance = batch.cmd::<i64>(redis::cmd("GET").arg(&bob));
    let mut replies = batch.run_cluster(&mut con)?;
    println!(
        "in a transaction: {}, then {bob} holds {}",
        replies.take(first)?,
        replies.take(balance)?
    );

    // The same calls on an async cluster connection.
    let mut con = client.get_async_connection().await?;
    let refused = Transfer::call(&alice, &bob, 1000)
        .invoke_cluster_async(&mut con)
        .await
        .expect_err("the balance is too low");
    println!("async: {refused}");
    Ok(())
}

/// A client for the cluster in `REDIS_CLUSTER_URLS`, or for a throwaway one (kept alive
/// by the returned value).
fn cluster_client() -> Result<(ClusterClient, Option<RedisCluster>), redis::RedisError> {
    match std::env::var("REDIS_CLUSTER_URLS") {
        Ok(urls) => Ok((
            ClusterClient::new(urls.split(',').collect::<Vec<_>>())?,
            None,
        )),
        Err(_) => {
            let cluster = RedisCluster::start();
            println!("started a throwaway cluster in {:?}", cluster.started_in());
            Ok((cluster.client(), Some(cluster)))
        }
    }
}
