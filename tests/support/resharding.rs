//! Batches that record call ids across many slots, and the moves of slots under them:
//! what the cluster tests run while a cluster reshards.

use std::time::Duration;

use redis_script::testing::RedisCluster;
use redis_script::{Batch, BatchError, Replies, Slot};
use redis_script_examples::testing::{Ledger, Record};

use super::exactly_once::{Seen, Tally, record_keys};

/// Tags whose keys spread over every primary: `{t0}` to `{t<count - 1>}`.
pub fn tags(count: usize) -> Vec<String> {
    (0..count).map(|i| format!("t{i}")).collect()
}

/// A batch recording `per_tag` calls for each tag (ids `<prefix>-<tag>-<n>`), interleaved
/// across tags, with a function call and a plain command in between; returns the ids
/// and their slots.
pub fn recording_batch(
    tags: &[String],
    per_tag: usize,
    prefix: &str,
) -> (Batch, Vec<(String, Slot<i64>)>) {
    recording_into(Batch::new(), tags, per_tag, prefix)
}

/// [`recording_batch`] into `batch` (a plain batch or one transaction per slot).
pub fn recording_into(
    mut batch: Batch,
    tags: &[String],
    per_tag: usize,
    prefix: &str,
) -> (Batch, Vec<(String, Slot<i64>)>) {
    let mut calls = Vec::new();
    for n in 0..per_tag {
        for (i, tag) in tags.iter().enumerate() {
            let (log, count) = record_keys(tag);
            let id = format!("{prefix}-{tag}-{n}");
            let slot = if i % 2 == 0 {
                batch.add(Record::call(&log, &count, &id))
            } else {
                batch.add(Ledger::record(&log, &count, &id))
            };
            calls.push((id, slot));
        }
    }
    (batch, calls)
}

/// Takes the reply of each call of a recording batch into `tally`.
pub fn tally_batch(
    outcome: Result<Replies, BatchError>,
    calls: Vec<(String, Slot<i64>)>,
    tally: &mut Tally,
) {
    match outcome {
        Ok(mut replies) => {
            for (id, slot) in calls {
                let seen = Seen::of_call(&replies.take(slot));
                tally.record(vec![id], &seen);
            }
        }
        Err(error) => panic!("a batch across slots fails only per call: {error}"),
    }
}

/// Moves every slot of `tags` to the next primary, one after another, with a pause
/// after each key so calls meet the migration half done.
pub fn reshard_all(cluster: &RedisCluster, tags: &[String]) {
    let mut primaries: Vec<u16> = cluster.primaries().iter().map(|p| p.port()).collect();
    primaries.sort_unstable();
    for tag in tags {
        let slot = cluster.key_slot(tag.as_bytes());
        let owner = cluster.primary_for_key(tag.as_bytes()).port();
        let at = primaries.iter().position(|&p| p == owner).unwrap();
        let next = primaries[(at + 1) % primaries.len()];
        let to = cluster
            .primaries()
            .into_iter()
            .find(|p| p.port() == next)
            .unwrap();
        cluster.move_slot(slot, to, Duration::from_millis(3));
    }
}

/// How many redirections (`MOVED`, `ASK`, `TRYAGAIN`) the primaries answered.
pub fn redirections(cluster: &RedisCluster) -> u64 {
    cluster
        .primaries()
        .into_iter()
        .map(|node| {
            let info: String = redis::cmd("INFO")
                .arg("errorstats")
                .query(&mut node.connection())
                .unwrap();
            info.lines()
                .filter(|line| {
                    ["errorstat_MOVED:", "errorstat_ASK:", "errorstat_TRYAGAIN:"]
                        .iter()
                        .any(|stat| line.starts_with(stat))
                })
                .filter_map(|line| line.split("count=").nth(1)?.trim().parse::<u64>().ok())
                .sum::<u64>()
        })
        .sum()
}
