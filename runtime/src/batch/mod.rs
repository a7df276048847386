//! Typed pipelines and transactions that stay correct when the server's script cache is
//! empty.
//!
//! A [`Batch`] sends script calls and ordinary commands in one round trip and gives every
//! reply back typed, in order, through the [`Slot`] each `add` returned.
//!
//! # How scripts get loaded
//!
//! The first call of each script in a batch is preceded, in the same round trip, by a
//! `SCRIPT LOAD` of its source whose reply is dropped. A server that has never seen the
//! script (fresh start, restart, failover, `SCRIPT FLUSH`) therefore runs every call in the
//! order written, and a server that has it loses nothing but the hashing of the source:
//! no extra round trip for a pipeline. On the wire this costs the source of each distinct
//! script once per batch (a few hundred bytes for the scripts in `lua_scripts/`), next to
//! about 80 bytes per call. (The exceptions: the re-send below, and the check before a
//! transaction.)
//!
//! # Plain batches (pipelines)
//!
//! Commands run in order but not atomically: other clients' commands may run between
//! them. If another client flushes the script cache while the batch is executing, the
//! calls that then meet `NOSCRIPT` did not run; they are sent again right after the batch,
//! in one more round trip, as `EVAL` with the source (which cannot meet `NOSCRIPT`), so
//! each still runs exactly once, but after the batch's other commands. Use a transaction
//! when that order matters.
//!
//! Batches need a connection that pipelines (`redis::Connection`, `MultiplexedConnection`,
//! `ConnectionManager`...). On Redis Cluster connections use [`Batch::run_cluster_async`],
//! which splits a plain batch across slots by slot and node and runs each call exactly
//! once through redirections, or [`Batch::run_cluster`] (sync), where a batch goes to one
//! node inside `MULTI`/`EXEC`, so all its keys must be in one hash slot.
//! [`Batch::transaction_per_slot`] makes one transaction per slot.
//!
//! # Transactions
//!
//! [`Batch::transaction`] wraps the commands in `MULTI`/`EXEC`, with the `SCRIPT LOAD`s
//! inside the transaction. Redis checks for scripts only at `EXEC`, where a missing one
//! would fail alone while the other queued commands still apply; loaded in the same
//! transaction, no script can be missing, so a transaction never half-applies because of
//! `NOSCRIPT`. Before each transaction that calls scripts, their `SCRIPT LOAD`s are also
//! sent once on their own, in one round trip, so that a script the server cannot load
//! (one it cannot compile, or a server without Lua) fails the batch before anything of it
//! is sent ([`BatchError::Load`]). That round trip is not skipped for scripts that loaded
//! before: a connection does not tell which server it reaches, and a script one server
//! loaded may not load on another.
//!
//! `WATCH` works as with redis-rs: send it on the same (non-multiplexed) connection before
//! [`Batch::run`]; if a watched key changed, nothing runs and the batch fails with
//! [`BatchError::WatchAborted`].

mod error;
mod per_slot;
mod replies;
mod run;

#[cfg(feature = "cluster")]
mod cluster;
#[cfg(feature = "cluster-async")]
mod multi;
#[cfg(feature = "cluster-async")]
mod spread;

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use redis::{Cmd, ConnectionLike, Pipeline};

use crate::call::ScriptCall;
use crate::deadline::DEFAULT_DEADLINE;
use crate::load::load_command;
use crate::meta::ScriptMeta;

pub use error::BatchError;
pub use replies::{CmdSlot, Replies, Slot, TakeReply};
use run::{Form, Run};

/// Script calls and commands sent together: a pipeline, or with
/// [`transaction`](Self::transaction) a `MULTI`/`EXEC` transaction.
///
/// ```no_run
/// # use redis_script::redis_script;
/// # #[redis_script("counter.lua")] struct Counter;
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let mut con = redis_script::redis::Client::open("redis://127.0.0.1/")?.get_connection()?;
/// use redis_script::Batch;
///
/// let mut batch = Batch::new();
/// let first = batch.add(Counter::call("visits:home", 1));
/// let page = batch.cmd::<Option<String>>(redis_script::redis::cmd("GET").arg("page:home"));
/// let second = batch.add(Counter::call("visits:home", 10));
/// let mut replies = batch.run(&mut con)?;
///
/// let (a, b): (i64, i64) = (replies.take(first)?, replies.take(second)?);
/// assert_eq!(b, a + 10);
/// let _page = replies.take(page)?;
/// # Ok(()) }
/// ```
pub struct Batch {
    /// What is sent: the commands, each script's `SCRIPT LOAD` before its first call.
    pipeline: Pipeline,
    /// One per command added, in order.
    entries: Vec<Entry>,
    /// The scripts with a `SCRIPT LOAD` in the pipeline, in order of first use.
    scripts: Vec<&'static ScriptMeta>,
    /// Whether this is a `MULTI`/`EXEC` transaction ([`Batch::transaction`]).
    transaction: bool,
    /// Whether this is a transaction per slot ([`Batch::transaction_per_slot`]).
    per_slot: bool,
    /// How long an async run waits for the replies.
    deadline: Duration,
    /// The first call added whose argument could not be encoded.
    unencodable: Option<crate::Error>,
    id: u64,
}

/// What the batch knows of one command added to it.
#[derive(Debug, Clone, Copy)]
struct Entry {
    /// The script, for a script call.
    script: Option<&'static ScriptMeta>,
    /// How many keys a script call has.
    #[cfg_attr(not(feature = "cluster"), allow(dead_code))]
    num_keys: usize,
    /// Index of the command in the pipeline (counting the `SCRIPT LOAD`s).
    position: usize,
}

impl Batch {
    /// An empty pipeline.
    pub fn new() -> Self {
        Self::with_mode(false)
    }

    /// An empty `MULTI`/`EXEC` transaction.
    pub fn transaction() -> Self {
        Self::with_mode(true)
    }

    /// An empty batch that runs as one `MULTI`/`EXEC` transaction per hash slot: the calls
    /// and commands whose keys share a slot are all-or-nothing together, each slot's
    /// transaction on its own (commands without keys go with the first slot's). On a
    /// cluster the transactions go to their nodes in parallel
    /// ([`run_cluster_async`](Self::run_cluster_async)) or one after another
    /// ([`run_cluster`](Self::run_cluster)); on one server, one after another. The
    /// replies come back in the order written; a transaction that failed as a whole gives
    /// its error to each of its commands.
    pub fn transaction_per_slot() -> Self {
        let mut batch = Self::with_mode(true);
        batch.per_slot = true;
        batch
    }

    fn with_mode(transaction: bool) -> Self {
        Self {
            pipeline: redis::pipe(),
            entries: Vec::new(),
            scripts: Vec::new(),
            transaction,
            per_slot: false,
            deadline: DEFAULT_DEADLINE,
            unencodable: None,
            id: next_batch_id(),
        }
    }

    /// Bounds how long an async run ([`run_async`](Self::run_async),
    /// [`run_cluster_async`](Self::run_cluster_async)) waits for replies: when the time
    /// is up, it returns, and every command without a reply yet is reported as one that may
    /// or may not have run ([`ErrorKind::Deadline`](crate::ErrorKind::Deadline) for a
    /// call, [`BatchError::Deadline`] for a batch sent as one request). Nothing is sent
    /// again. [`DEFAULT_DEADLINE`] (30 s) unless set; `Duration::MAX` waits without a bound.
    ///
    /// Sync runs are bounded by the connection's own read and write time-outs.
    pub fn deadline(&mut self, after: Duration) -> &mut Self {
        self.deadline = after;
        self
    }

    /// Adds a script call; its typed reply is taken from [`Replies`] with the returned slot.
    ///
    /// A call with an argument that could not be encoded (`json`, `msgpack`) makes the whole
    /// batch fail when run, before anything is sent ([`BatchError::Argument`]).
    pub fn add<R>(&mut self, call: ScriptCall<R>) -> Slot<R> {
        let meta = call.script();
        match call.into_parts() {
            Ok((meta, cmd, num_keys)) => {
                Slot::new(self.id, self.push_call(meta, num_keys, cmd), meta)
            }
            Err(error) => {
                self.unencodable.get_or_insert(error);
                Slot::new(self.id, usize::MAX, meta)
            }
        }
    }

    /// An error when a call added could not be encoded: the batch must not be sent.
    fn sendable(&self) -> Result<(), BatchError> {
        match &self.unencodable {
            Some(error) => Err(BatchError::Argument(error.clone())),
            None => Ok(()),
        }
    }

    /// Adds the call `cmd` of `meta`, after a load of `meta` if it is the first; returns
    /// its index.
    fn push_call(&mut self, meta: &'static ScriptMeta, num_keys: usize, cmd: Cmd) -> usize {
        if !self.scripts.iter().any(|known| known.sha1() == meta.sha1()) {
            self.pipeline.add_command(load_command(meta));
            self.scripts.push(meta);
        }
        self.push(Some(meta), num_keys, cmd)
    }

    /// Adds an ordinary command; its reply, converted to `T`, is taken with the slot.
    pub fn cmd<T>(&mut self, cmd: &Cmd) -> CmdSlot<T> {
        CmdSlot::new(self.id, self.push(None, 0, cmd.clone()))
    }

    fn push(&mut self, script: Option<&'static ScriptMeta>, num_keys: usize, cmd: Cmd) -> usize {
        self.entries.push(Entry {
            script,
            num_keys,
            position: self.pipeline.len(),
        });
        self.pipeline.add_command(cmd);
        self.entries.len() - 1
    }

    /// How many calls and commands were added.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing was added.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Whether this is a `MULTI`/`EXEC` transaction.
    pub fn is_transaction(&self) -> bool {
        self.transaction
    }

    /// Sends the batch on a sync connection and collects the replies.
    ///
    /// On a sync Redis Cluster connection use [`run_cluster`](Self::run_cluster).
    pub fn run(&self, con: &mut dyn ConnectionLike) -> Result<Replies, BatchError> {
        self.sendable()?;
        if !con.supports_pipelining() {
            return Err(BatchError::Unsupported(
                "the connection does not pipeline (on a sync cluster connection, use \
                 Batch::run_cluster)",
            ));
        }
        if self.per_slot {
            return self.run_per_slot(|batch| batch.run(con));
        }
        Run::new(self, Form::Direct).drive(|pipeline| {
            con.req_packed_commands(&pipeline.get_packed_pipeline(), 0, pipeline.len())
        })
    }

    /// Sends the batch on an async connection and collects the replies.
    ///
    /// On an async Redis Cluster connection use
    /// [`run_cluster_async`](Self::run_cluster_async).
    #[cfg(feature = "aio")]
    #[cfg_attr(docsrs, doc(cfg(feature = "aio")))]
    pub async fn run_async<C: redis::aio::ConnectionLike>(
        &self,
        con: &mut C,
    ) -> Result<Replies, BatchError> {
        self.sendable()?;
        if self.per_slot {
            let mut replies = Vec::new();
            for (indices, batch) in self.slot_batches()? {
                replies.push((indices, batch.run_steps_async(con).await));
            }
            return Ok(self.merge(replies));
        }
        self.run_steps_async(con).await
    }

    /// The steps of [`run_async`](Self::run_async) after its checks, each pipeline sent
    /// with `con`, all of them bounded by the batch's [`deadline`](Self::deadline).
    #[cfg(feature = "aio")]
    async fn run_steps_async<C: redis::aio::ConnectionLike>(
        &self,
        con: &mut C,
    ) -> Result<Replies, BatchError> {
        let steps = async {
            let mut run = Run::new(self, Form::Direct);
            let mut step = run.start();
            loop {
                match step {
                    run::Step::Send(pipeline) => {
                        let replies = con.req_packed_commands(&pipeline, 0, pipeline.len()).await;
                        step = run.resume(replies);
                    }
                    run::Step::Done(outcome) => return outcome,
                }
            }
        };
        crate::deadline::within(self.deadline, steps)
            .await
            .unwrap_or(Err(BatchError::Deadline(self.deadline)))
    }

    /// The slot of each command (`None` without keys): of a script call's keys, or of an
    /// ordinary command's first argument (see [`crate::cluster::command_slot`]); an error
    /// when one call's keys are in different slots.
    fn slots(&self) -> Result<Vec<Option<u16>>, BatchError> {
        self.entries_with_words()
            .map(|(entry, words)| match entry.script {
                Some(_) => crate::cluster::shared_slot([(words, entry.num_keys)])
                    .map_err(BatchError::CrossSlot),
                None => Ok(crate::cluster::command_slot(words)),
            })
            .collect()
    }

    /// Each command added, as its words, with its entry, in order (the `SCRIPT LOAD`s left
    /// out).
    fn entries_with_words(
        &self,
    ) -> impl Iterator<Item = (Entry, impl Iterator<Item = redis::Arg<&[u8]>> + Clone + '_)> {
        let mut entries = self.entries.iter().copied().peekable();
        self.pipeline
            .cmd_iter()
            .enumerate()
            .filter_map(move |(position, cmd)| {
                let entry = entries.next_if(|e| e.position == position)?;
                Some((entry, cmd.args_iter()))
            })
    }
}

/// A number no other batch of this process has, so a slot only fits its own batch.
fn next_batch_id() -> u64 {
    static NEXT_ID: AtomicU64 = AtomicU64::new(0);
    NEXT_ID.fetch_add(1, Ordering::Relaxed)
}

impl Clone for Batch {
    /// A copy with an identity of its own: slots of one do not fit the other's replies.
    fn clone(&self) -> Self {
        Self {
            pipeline: self.pipeline.clone(),
            entries: self.entries.clone(),
            scripts: self.scripts.clone(),
            transaction: self.transaction,
            per_slot: self.per_slot,
            deadline: self.deadline,
            unencodable: self.unencodable.clone(),
            id: next_batch_id(),
        }
    }
}

impl Default for Batch {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for Batch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Batch")
            .field("commands", &self.entries.len())
            .field(
                "scripts",
                &self.scripts.iter().map(|m| m.name()).collect::<Vec<_>>(),
            )
            .field("transaction", &self.is_transaction())
            .field("per_slot", &self.per_slot)
            .finish()
    }
}
