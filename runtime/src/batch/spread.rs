//! Plain batches on an async Redis Cluster, in one slot or across slots: split by slot,
//! sent in parallel, every reply put back in the order written, each call run exactly
//! once through redirections.
//!
//! redis-rs's async cluster client sends a whole pipeline again when one of its replies is
//! a redirection (`MOVED`, `ASK`, `TRYAGAIN`...), which would run the commands before it a
//! second time. So a request here never holds two commands that could both run:
//!
//! - the commands of one slot go as one request: a lone command as it is (no load goes
//!   with it: with the script cached, as it is after its first call on each node, that
//!   saves sending its source once per slot), several as a transaction, `MULTI`, a load of
//!   each script or library they call, the commands, `EXEC`, written out as plain
//!   commands (see [`transaction`]). A redirection met by such a transaction, as it is
//!   queued or at `EXEC`, makes the server discard it, so nothing of it ran when the
//!   client sends it again to where the slot is served now;
//! - a bounded number of requests is in flight at a time ([`IN_FLIGHT`]), and the cluster
//!   client writes the requests of one node on that node's connection as they come, so
//!   each node gets its share pipelined and the nodes work in parallel;
//! - a slot's transaction that the server discarded for another reason (a command of it
//!   refused as it was queued) did not run: its commands are sent again one at a time, in
//!   the order written, each through the cluster client's routing. So is a lone call that
//!   met `NOSCRIPT` or "Function not found", as a transaction that loads and calls;
//! - where an ACL refuses `MULTI`, which the first transaction finds out
//!   ([`multi`](super::multi)), the commands of a slot are sent one at a time from the
//!   start: one by one after a refused `MULTI`, a redirection met by one of them would have
//!   the client send again the ones before it.
//!
//! A request whose connection fails gives each of its commands that error (they may or may
//! not have run), one without a reply by the batch's deadline the deadline's: none is sent
//! again by this crate (the cluster client may: see the crate docs on Redis Cluster).

use std::time::Instant;

use futures_util::StreamExt as _;
use redis::cluster_async::ClusterConnection;
use redis::cluster_routing::{RoutingInfo, SingleNodeRoutingInfo};
use redis::{Cmd, RedisError, RedisResult, Value};

use super::{Batch, BatchError, Entry, Replies, multi};
use crate::deadline;
use crate::invocation;
use crate::load::load_command;
use crate::reload::{self, Attempts, Finished, Reload};
use crate::transaction::{self, Outcome};

/// How many requests of one batch are in flight on the cluster connection at a time.
///
/// More would not make a batch faster (the nodes, not the round trips, bound it here), and
/// keeping them few keeps clear of a hang of redis-rs 1.8's async cluster client with
/// tokio 1.54: when a slot moves while one task of that client has many requests to
/// complete at once, it can stop for good (see the crate docs on Redis Cluster).
pub(super) const IN_FLIGHT: usize = 16;

/// One command of the batch as sent here.
struct Command {
    entry: Entry,
    cmd: Cmd,
    slot: Option<u16>,
}

impl Command {
    /// The node the command goes to: the primary of its slot, any primary without keys.
    fn routing(&self) -> SingleNodeRoutingInfo {
        crate::cluster::primary_of(self.slot)
    }
}

/// What one slot's request came to.
enum Sent {
    /// A reply per command, in order.
    Replies(Vec<RedisResult<Value>>),
    /// The slot's commands are to be sent one at a time: its transaction was discarded
    /// before anything ran, for a reason of its own commands, or the server refuses
    /// `MULTI`.
    Separately,
}

impl Batch {
    /// Runs a plain batch (see the module docs).
    pub(super) async fn run_spread(
        &self,
        con: &mut ClusterConnection,
    ) -> Result<Replies, BatchError> {
        let end = deadline::end_of(self.deadline);
        let commands = self.commands()?;
        let groups = by_slot(&commands);
        let sent: Vec<_> = groups
            .iter()
            .map(|indices| {
                let con = con.clone();
                let group: Vec<&Command> = indices.iter().map(|&i| &commands[i]).collect();
                async move {
                    let sent = deadline::until(end, send_group(con.clone(), &group)).await;
                    match sent {
                        Some(Sent::Separately) => {
                            Sent::Replies(one_at_a_time(con, &group, end, self.deadline).await)
                        }
                        Some(sent) => sent,
                        None => Sent::Replies(timed_out(group.len(), self.deadline)),
                    }
                }
            })
            .collect();
        let outcomes: Vec<Sent> = futures_util::stream::iter(sent)
            .buffered(IN_FLIGHT)
            .collect()
            .await;
        let mut replies: Vec<RedisResult<Value>> = vec![Ok(Value::Nil); commands.len()];
        for (indices, outcome) in groups.into_iter().zip(outcomes) {
            if let Sent::Replies(values) = outcome {
                for (index, value) in indices.into_iter().zip(values) {
                    replies[index] = value;
                }
            }
        }
        Ok(Replies::new(self.id, replies))
    }
}

impl Batch {
    /// The batch's commands with their slots.
    fn commands(&self) -> Result<Vec<Command>, BatchError> {
        let slots = self.slots()?;
        Ok(self
            .entries_with_words()
            .zip(slots)
            .map(|((entry, words), slot)| Command {
                entry,
                cmd: invocation::command(words),
                slot,
            })
            .collect())
    }
}

/// The indices of `commands` grouped by slot, in order of each slot's first command, each
/// group in the order written; a command without keys is a group of its own.
fn by_slot(commands: &[Command]) -> Vec<Vec<usize>> {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut group_of_slot: std::collections::HashMap<u16, usize> = Default::default();
    for (index, command) in commands.iter().enumerate() {
        let Some(slot) = command.slot else {
            groups.push(vec![index]);
            continue;
        };
        match group_of_slot.get(&slot) {
            Some(&group) => groups[group].push(index),
            None => {
                group_of_slot.insert(slot, groups.len());
                groups.push(vec![index]);
            }
        }
    }
    groups
}

/// Sends `group`, the commands of one slot, as one request: a lone command as it is,
/// several as a transaction with the loads of the scripts they call.
async fn send_group(mut con: ClusterConnection, group: &[&Command]) -> Sent {
    if let [command] = group {
        return Sent::Replies(vec![send_alone(con, command).await]);
    }
    let routing = group[0].routing();
    if multi::refusal(&mut con, routing.clone()).await.is_some() {
        return Sent::Separately;
    }
    let mut inner = redis::pipe();
    let positions = fill(&mut inner, group.iter().copied());
    let pipeline = transaction::pipeline(inner.cmd_iter());
    let count = pipeline.len();
    let replies = con.route_pipeline(pipeline, 0, count, routing).await;
    let outcome = match replies.and_then(|values| transaction::read(values, inner.len())) {
        Ok(outcome) => outcome,
        // A redirection the client gave up following: the transaction was discarded each
        // time, nothing ran. A command whose key is not its first argument, grouped by a
        // slot it is not in, sends the client from node to node so: one at a time, each
        // goes where its key is.
        Err(error) if matches!(error.code(), Some("MOVED" | "ASK" | "TRYAGAIN")) => {
            return Sent::Separately;
        }
        // A connection error: they may have run.
        Err(error) => return Sent::Replies(vec![Err(error); group.len()]),
    };
    let pick = |values: Vec<Value>| transaction::replies_at(values, &positions);
    match outcome {
        Outcome::Ran(values) => Sent::Replies(pick(values)),
        // With MULTI refused (an ACL without `multi`, met by another user than the one of
        // the first transaction), each command ran on its own: its own reply stands.
        Outcome::NotAtomic {
            multi,
            replies: values,
        } => {
            multi::note_refused(&multi);
            Sent::Replies(pick(values))
        }
        Outcome::Refused(_) => Sent::Separately,
        Outcome::WatchAborted => {
            let error = RedisError::from((
                redis::ErrorKind::Client,
                "the slot's transaction was aborted by a WATCH, so nothing of it ran",
            ));
            Sent::Replies(vec![Err(error); group.len()])
        }
    }
}

/// Sends the commands of `group` one at a time, in the order written, each bounded by
/// `end` (a command without a reply by then gets the deadline's error, and so do those
/// after it, which are not sent).
async fn one_at_a_time(
    con: ClusterConnection,
    group: &[&Command],
    end: Option<Instant>,
    after: std::time::Duration,
) -> Vec<RedisResult<Value>> {
    let mut replies = Vec::with_capacity(group.len());
    for command in group {
        let reply = deadline::until(end, send_alone(con.clone(), command)).await;
        match reply {
            Some(reply) => replies.push(reply),
            None => break,
        }
    }
    let answered = replies.len();
    replies.extend(timed_out(group.len() - answered, after));
    replies
}

/// The replies of `count` commands that had none by the deadline `after`.
fn timed_out(count: usize, after: std::time::Duration) -> Vec<RedisResult<Value>> {
    vec![Err(deadline::error(after)); count]
}

/// Adds `commands` to `pipeline`, each script's load before its first call; returns the
/// position of each command.
fn fill<'a>(
    pipeline: &mut redis::Pipeline,
    commands: impl Iterator<Item = &'a Command>,
) -> Vec<usize> {
    let mut loaded: Vec<&str> = Vec::new();
    commands
        .map(|command| {
            if let Some(meta) = command.entry.script
                && !loaded.contains(&meta.sha1())
            {
                loaded.push(meta.sha1());
                pipeline.add_command(load_command(meta));
            }
            pipeline.add_command(command.cmd.clone());
            pipeline.len() - 1
        })
        .collect()
}

/// Sends one command on its own through the cluster client's routing by its slot (which
/// follows `MOVED` and `ASK` and waits out `TRYAGAIN`); a call whose node lacks its script
/// or library is then loaded and sent once more, in one transaction on the same node.
async fn send_alone(mut con: ClusterConnection, command: &Command) -> RedisResult<Value> {
    let Some(meta) = command.entry.script else {
        let routing = RoutingInfo::SingleNode(command.routing());
        return as_reply(con.route_command(command.cmd.clone(), routing).await);
    };
    let attempts = Attempts::new(meta, &command.cmd, Reload::Transaction);
    match reload::drive_cluster_async(attempts, &mut con, command.routing(), || {}).await {
        Finished::Reply(reply) | Finished::Failed(_, reply) => as_reply(reply),
    }
}

/// An error reply of a command is its reply, not a failed request.
fn as_reply(reply: RedisResult<Value>) -> RedisResult<Value> {
    match reply {
        Err(error) => match redis::ServerError::try_from(error) {
            Ok(reply) => Ok(Value::ServerError(reply)),
            Err(error) => Err(error),
        },
        reply => reply,
    }
}
