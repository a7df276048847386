//! Plain batches on an async Redis Cluster, in one slot or across slots: split by slot,
//! sent in parallel, every reply put back in the order written, each call run exactly
//! once through redirections.
//!
//! redis-rs's async cluster client sends a whole pipeline again when one of its replies is
//! a redirection (`MOVED`, `ASK`, `TRYAGAIN`...), which would run the commands before it a
//! second time. So a pipeline here never holds two commands that could both run:
//!
//! - the commands of one slot go as one request: a lone command as it is (no load goes
//!   with it: with the script cached, as it is after its first call on each node, that
//!   saves sending its source once per slot), several inside `MULTI`/`EXEC` after a load
//!   of each script they call, which keeps them in order on a node that lacks it; Redis
//!   refuses such a transaction whole (`EXECABORT`) when a command of it is redirected
//!   as it is queued, so nothing of it ran when the client sends it again or gives up;
//! - the requests go out together: the cluster client writes the requests of one node
//!   on that node's connection as they come, so each node still gets its part pipelined,
//!   in one write, and the nodes work in parallel;
//! - a slot's transaction refused whole (its slot is migrating, or one of its commands
//!   was refused as it was queued) did not run: each of its commands is sent once more
//!   on its own, through the cluster client's routing, which follows `MOVED` and `ASK`
//!   and waits out `TRYAGAIN`. So is a call that met "Function not found" or `NOSCRIPT`
//!   (a cache flushed between the load and the call), after a load.
//!
//! A request whose connection fails gives each of its commands that error (they may or may
//! not have run): none is sent again by this crate (the cluster client may: see the crate
//! docs on Redis Cluster).

use redis::cluster_async::ClusterConnection;
use redis::cluster_routing::{Route, RoutingInfo, SingleNodeRoutingInfo, SlotAddr};
use redis::{Cmd, Pipeline, RedisResult, Value};

use super::{Batch, BatchError, Entry, Replies};
use crate::invocation;
use crate::load::{is_missing, load_command};

const WINDOW: usize = 8;

/// One command of the batch as sent here.
struct Command {
    entry: Entry,
    cmd: Cmd,
    slot: Option<u16>,
}

impl Command {
    /// The node the command goes to: the primary of its slot, any primary without keys.
    fn routing(&self) -> SingleNodeRoutingInfo {
        match self.slot {
            Some(slot) => SingleNodeRoutingInfo::SpecificNode(Route::new(slot, SlotAddr::Master)),
            None => SingleNodeRoutingInfo::RandomPrimary,
        }
    }
}

impl Batch {
    /// Runs a plain batch (see the module docs).
    pub(super) async fn run_spread(
        &self,
        con: &mut ClusterConnection,
    ) -> Result<Replies, BatchError> {
        let slots = self.slots()?;
        let commands: Vec<Command> = self
            .entries_with_words()
            .zip(slots)
            .map(|((entry, words), slot)| Command {
                entry,
                cmd: invocation::command(words),
                slot,
            })
            .collect();
        let groups = by_slot(&commands);
        let sent: Vec<_> = groups
            .iter()
            .map(|indices| send_group(con.clone(), indices, &commands))
            .collect();
        use futures_util::StreamExt as _;
        let outcomes: Vec<_> = futures_util::stream::iter(sent).buffered(WINDOW).collect().await;
        let mut replies: Vec<RedisResult<Value>> = vec![Ok(Value::Nil); commands.len()];
        let mut alone = Vec::new();
        for (indices, outcome) in groups.into_iter().zip(outcomes) {
            match outcome {
                Ok(values) => {
                    for (index, value) in indices.into_iter().zip(values) {
                        if is_missing(&Ok(value.clone())) {
                            alone.push(index);
                        }
                        replies[index] = Ok(value);
                    }
                }
                Err(error) if was_refused_whole(&error) => alone.extend(indices),
                Err(error) => {
                    for index in indices {
                        replies[index] = Err(error.clone());
                    }
                }
            }
        }
        alone.sort_unstable();
        let sent: Vec<_> = alone
            .iter()
            .map(|&index| send_alone(con.clone(), &commands[index]))
            .collect();
        let outcomes: Vec<_> = futures_util::stream::iter(sent).buffered(WINDOW).collect().await;
        for (index, outcome) in alone.into_iter().zip(outcomes) {
            replies[index] = outcome;
        }
        Ok(Replies::new(self.id, replies))
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

/// Sends the commands `indices` of `commands`, all of one slot, as one request: after
/// the load of each script they call, alone or inside `MULTI`/`EXEC`. Returns their
/// replies, in order.
async fn send_group(
    mut con: ClusterConnection,
    indices: &[usize],
    commands: &[Command],
) -> RedisResult<Vec<Value>> {
    let routing = commands[indices[0]].routing();
    if let [index] = indices {
        let cmd = commands[*index].cmd.clone();
        let reply = con
            .route_command(cmd, RoutingInfo::SingleNode(routing))
            .await;
        // An error reply of the command itself is its reply, not a failed request.
        return match reply {
            Ok(value) => Ok(vec![value]),
            Err(error) => match redis::ServerError::try_from(error) {
                Ok(reply) => Ok(vec![Value::ServerError(reply)]),
                Err(error) => Err(error),
            },
        };
    }
    // Inside the transaction, a load before the first call of each script keeps the
    // slot's calls in order even on a node that lacks it.
    let mut pipeline = redis::pipe();
    pipeline.atomic();
    let positions = fill(&mut pipeline, indices.iter().map(|&index| &commands[index]));
    let mut values = {
        // The replies of MULTI and of each queued command are skipped: EXEC's is kept.
        let offset = pipeline.len() + 1;
        let mut replies = con.route_pipeline(pipeline, offset, 1, routing).await?;
        match replies.pop() {
            Some(Value::Array(values)) => values,
            other => {
                let detail = format!("EXEC answered {other:?}");
                return Err(redis::RedisError::from((
                    redis::ErrorKind::UnexpectedReturnType,
                    "unexpected reply to a slot's transaction",
                    detail,
                )));
            }
        }
    };
    Ok(positions
        .into_iter()
        .map(|position| values.get_mut(position).map_or(Value::Nil, std::mem::take))
        .collect())
}

/// Adds `commands` to `pipeline`, each script's load before its first call; returns the
/// position of each command.
fn fill<'a>(pipeline: &mut Pipeline, commands: impl Iterator<Item = &'a Command>) -> Vec<usize> {
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

/// Whether a request was refused as a whole, so that nothing of it ran: `EXECABORT`, when
/// a command of a transaction was redirected or refused as it was queued.
fn was_refused_whole(error: &redis::RedisError) -> bool {
    error.kind() == redis::ErrorKind::Server(redis::ServerErrorKind::ExecAbort)
        || error.code() == Some("EXECABORT")
}

/// Sends one command on its own through the cluster client's routing by its slot (which
/// follows `MOVED` and `ASK` and waits out `TRYAGAIN`); a call whose node lacks its script
/// or library is sent once more after a load, to the same node.
async fn send_alone(mut con: ClusterConnection, command: &Command) -> RedisResult<Value> {
    let routing = command.routing();
    let reply = con
        .route_command(
            command.cmd.clone(),
            RoutingInfo::SingleNode(routing.clone()),
        )
        .await;
    if command.entry.script.is_none() || !is_missing(&reply) {
        return reply;
    }
    let mut pipeline = redis::pipe();
    let position = fill(&mut pipeline, std::iter::once(command))[0];
    let mut replies = con
        .route_pipeline(pipeline, 0, position + 1, routing)
        .await?;
    Ok(replies.pop().unwrap_or(Value::Nil))
}
