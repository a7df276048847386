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
//! no extra round trip, ever. On the wire this costs the source of each distinct script
//! once per batch (a few hundred bytes for the scripts in `lua_scripts/`), next to about
//! 80 bytes per call. (The exceptions: the re-send below, and a transaction's first use of
//! a script in the process.)
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
//! `ConnectionManager`...). On Redis Cluster connections use [`Batch::run_cluster`] and
//! [`Batch::run_cluster_async`]: a batch goes to one node there, inside `MULTI`/`EXEC`, so
//! all its keys must be in one hash slot.
//!
//! # Transactions
//!
//! [`Batch::transaction`] wraps the commands in `MULTI`/`EXEC`, with the `SCRIPT LOAD`s
//! inside the transaction. Redis checks for scripts only at `EXEC`, where a missing one
//! would fail alone while the other queued commands still apply; loaded in the same
//! transaction, no script can be missing, so a transaction never half-applies because of
//! `NOSCRIPT`. A script is also loaded once on its own before the first transaction that
//! uses it in this process, so a script Redis cannot compile fails the batch before
//! anything is sent ([`BatchError::Load`]).
//!
//! `WATCH` works as with redis-rs: send it on the same (non-multiplexed) connection before
//! [`Batch::run`]; if a watched key changed, nothing runs and the batch fails with
//! [`BatchError::WatchAborted`].

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use redis::{Cmd, ConnectionLike, FromRedisValue, Pipeline, RedisError, RedisResult, Value};

use crate::call::{ScriptCall, eval_of, is_noscript, typed_reply};
use crate::cluster::KeySlot;
use crate::error::Error;
#[cfg(feature = "cluster")]
use crate::error::ErrorKind;
use crate::meta::ScriptMeta;
use crate::reply::describe;

/// Scripts known, in this process, to load: transactions only check the others first.
static KNOWN_TO_LOAD: Mutex<Vec<&'static str>> = Mutex::new(Vec::new());

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
    id: u64,
}

#[derive(Debug, Clone, Copy)]
struct Entry {
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

    fn with_mode(atomic: bool) -> Self {
        let mut pipeline = redis::pipe();
        pipeline.ignore_errors();
        if atomic {
            pipeline.atomic();
        }
        Self {
            pipeline,
            entries: Vec::new(),
            scripts: Vec::new(),
            id: next_batch_id(),
        }
    }

    /// Adds a script call; its typed reply is taken from [`Replies`] with the returned slot.
    pub fn add<R>(&mut self, call: ScriptCall<R>) -> Slot<R> {
        let (meta, cmd, num_keys) = call.into_parts();
        if !self.scripts.iter().any(|known| known.sha1() == meta.sha1()) {
            self.pipeline.add_command(meta.load_command()).ignore();
            self.scripts.push(meta);
        }
        Slot {
            index: self.push(Some(meta), num_keys, cmd),
            batch: self.id,
            meta,
            reply: PhantomData,
        }
    }

    /// Adds an ordinary command; its reply, converted to `T`, is taken with the slot.
    pub fn cmd<T>(&mut self, cmd: &Cmd) -> CmdSlot<T> {
        CmdSlot {
            index: self.push(None, 0, cmd.clone()),
            batch: self.id,
            reply: PhantomData,
        }
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
        self.pipeline.is_transaction()
    }

    /// Sends the batch on a sync connection and collects the replies.
    ///
    /// On a sync Redis Cluster connection use [`run_cluster`](Self::run_cluster).
    pub fn run(&self, con: &mut dyn ConnectionLike) -> Result<Replies, BatchError> {
        if !con.supports_pipelining() {
            return Err(BatchError::Unsupported(
                "the connection does not pipeline (on a sync cluster connection, use \
                 Batch::run_cluster)",
            ));
        }
        Run::new(self, Form::InlineLoads).drive(|pipeline| pipeline.query::<Value>(con))
    }

    /// Sends the batch on an async connection and collects the replies.
    ///
    /// On an async Redis Cluster connection use
    /// [`run_cluster_async`](Self::run_cluster_async).
    #[cfg(feature = "aio")]
    pub async fn run_async<C: redis::aio::ConnectionLike>(
        &self,
        con: &mut C,
    ) -> Result<Replies, BatchError> {
        self.run_async_as(Form::InlineLoads, con).await
    }

    /// Runs the batch on an async connection, sent in `form`.
    #[cfg(feature = "aio")]
    async fn run_async_as<C: redis::aio::ConnectionLike>(
        &self,
        form: Form,
        con: &mut C,
    ) -> Result<Replies, BatchError> {
        let mut run = Run::new(self, form);
        let mut step = run.start();
        loop {
            match step {
                Step::Send(pipeline) => {
                    let reply = pipeline.query_async::<Value>(con).await;
                    step = run.resume(reply);
                }
                Step::Done(outcome) => return outcome,
            }
        }
    }

    /// Sends the batch on a sync Redis Cluster connection.
    ///
    /// A batch on a cluster goes to one node, so every key in it must be in one hash
    /// slot. The keys of its script calls are checked before anything is sent
    /// ([`BatchError::CrossSlot`]); the keys of commands added with [`cmd`](Self::cmd)
    /// are not, and one in another slot makes Redis refuse the whole batch
    /// ([`BatchError::Redis`], `EXECABORT` or `CROSSSLOT`): nothing of it runs.
    ///
    /// The batch is sent inside `MULTI`/`EXEC` even when it is not a transaction, for
    /// two reasons. The cluster client re-sends a whole pipeline when one of its replies
    /// is a redirection (a failover, a resharding), which would run the commands before
    /// it twice, while Redis refuses a transaction whole when a command is redirected as
    /// it is queued. And no call can meet `NOSCRIPT` inside `EXEC`. The batch then also
    /// runs atomically, and a command Redis refuses while queueing it (an unknown command,
    /// a wrong number of arguments) fails the whole batch with `EXECABORT`.
    ///
    /// When Redis refuses the batch because its slot moved to another node, the batch
    /// (of which nothing ran) is sent once more, after a no-op call on its first script
    /// key has made the cluster client follow the redirection and learn the new owner.
    ///
    /// Two more things differ from a batch on one server, forced by redis-rs's sync
    /// cluster client:
    ///
    /// - It routes a batch by its first command, which therefore cannot be a
    ///   `SCRIPT LOAD` (that goes to every node). So the first call of each script is sent
    ///   as `EVAL <source>`, which loads the script on the node as it runs it (later calls
    ///   of the script use `EVALSHA`), and when the batch does not start with a keyed
    ///   call of a writing script, a no-op `EVAL` on the first script key goes first, so
    ///   the batch reaches that key's primary. A batch without keyed script calls is
    ///   routed by its first command: make it a keyed one.
    /// - When any reply of the batch is an error (a script's error reply, a failed
    ///   command), it returns that error alone. The batch then fails with
    ///   [`BatchError::RepliesLost`]: every command ran, but the other replies are gone.
    ///   [`run_cluster_async`](Self::run_cluster_async) has no such limit.
    ///
    /// # Errors
    ///
    /// [`BatchError::CrossSlot`] and [`BatchError::RepliesLost`] as above, and the errors
    /// of [`run`](Self::run).
    #[cfg(feature = "cluster")]
    #[cfg_attr(docsrs, doc(cfg(feature = "cluster")))]
    pub fn run_cluster(
        &self,
        con: &mut redis::cluster::ClusterConnection,
    ) -> Result<Replies, BatchError> {
        use redis::cluster_routing::{Route, RoutingInfo, SingleNodeRoutingInfo, SlotAddr};

        let node = match self.check_one_slot()? {
            Some(slot) => SingleNodeRoutingInfo::SpecificNode(Route::new(slot, SlotAddr::Master)),
            None => SingleNodeRoutingInfo::RandomPrimary,
        };
        for meta in self.unchecked_scripts() {
            // One at a time, on the batch's node: the sync cluster client reports a single
            // error for a whole pipeline, and would send a plain SCRIPT LOAD to every node.
            let reply =
                con.route_command(&meta.load_command(), RoutingInfo::SingleNode(node.clone()));
            meta.check_loaded(reply)
                .map_err(|error| match error.kind() {
                    ErrorKind::Load(cause)
                        if cause.is_io_error() || cause.is_connection_dropped() =>
                    {
                        BatchError::NotSent(cause.clone())
                    }
                    _ => BatchError::Load(error),
                })?;
            remember_loaded(&[meta]);
        }
        let mut outcome = self.send_cluster_transaction(con);
        if let Some(probe) = self.probe_after(&outcome) {
            let _: RedisResult<Value> = con.req_command(&probe);
            outcome = self.send_cluster_transaction(con);
        }
        outcome
    }

    /// One send of [`as_cluster_transaction`](Self::as_cluster_transaction) on a sync
    /// cluster connection.
    #[cfg(feature = "cluster")]
    fn send_cluster_transaction(
        &self,
        con: &mut redis::cluster::ClusterConnection,
    ) -> Result<Replies, BatchError> {
        let outcome = Run::new(self, Form::ClusterTransaction).drive(|pipeline| {
            // The replies of MULTI and of each queued command are skipped: EXEC's is kept.
            let packed = pipeline.get_packed_pipeline();
            let mut replies = con.req_packed_commands(&packed, pipeline.len() + 1, 1)?;
            Ok(match replies.pop() {
                // Without the reply of the no-op call in front, if there is one.
                Some(Value::Array(mut values)) => {
                    let routing = pipeline.len().saturating_sub(self.entries.len());
                    values.drain(..routing.min(values.len()));
                    Value::Array(values)
                }
                other => other.unwrap_or(Value::Nil),
            })
        });
        match outcome {
            // EXEC ran, and the error is one command's reply: not a refusal of the whole
            // (EXECABORT, CROSSSLOT) nor an error the client would have retried.
            Err(BatchError::Redis(error))
                if crate::error::is_server_error(&error)
                    && matches!(error.retry_method(), redis::RetryMethod::NoRetry)
                    && !matches!(error.code(), Some("EXECABORT" | "CROSSSLOT")) =>
            {
                Err(BatchError::RepliesLost(error))
            }
            outcome => outcome,
        }
    }

    /// The no-op call to send alone before sending the batch once more, when `outcome`
    /// is a refusal because the batch's slot moved: the cluster client follows the
    /// redirection of that call, and so learns the slot's new owner. `None` when the
    /// batch has no keyed script call to make it with.
    #[cfg(feature = "cluster")]
    fn probe_after(&self, outcome: &Result<Replies, BatchError>) -> Option<Cmd> {
        match outcome {
            Err(BatchError::Redis(error))
                if error.code() == Some("EXECABORT") && was_redirected(error) =>
            {
                self.first_script_key().map(slot_probe)
            }
            _ => None,
        }
    }

    /// The first key of the batch's script calls.
    #[cfg(feature = "cluster")]
    fn first_script_key(&self) -> Option<&[u8]> {
        crate::cluster::all_keys(self.script_calls()).next()
    }

    /// Sends the batch on an async Redis Cluster connection.
    ///
    /// As with [`run_cluster`](Self::run_cluster), the batch goes to one node, inside
    /// `MULTI`/`EXEC` even when it is not a transaction, so all its keys must be in one
    /// slot (the cluster client refuses a batch whose commands have keys in different
    /// slots before sending it, as [`BatchError::Redis`]), and a batch refused because
    /// its slot moved is sent once more. Otherwise it works as on one server, with the
    /// `SCRIPT LOAD`s before the calls and every reply in its place.
    ///
    /// # Errors
    ///
    /// [`BatchError::CrossSlot`] when the script calls' keys are in different slots, and
    /// the errors of [`run_async`](Self::run_async).
    #[cfg(feature = "cluster-async")]
    #[cfg_attr(docsrs, doc(cfg(feature = "cluster-async")))]
    pub async fn run_cluster_async(
        &self,
        con: &mut redis::cluster_async::ClusterConnection,
    ) -> Result<Replies, BatchError> {
        use redis::aio::ConnectionLike as _;
        self.check_one_slot()?;
        let outcome = self.run_async_as(Form::AtomicInlineLoads, con).await;
        match self.probe_after(&outcome) {
            Some(probe) => {
                let _: RedisResult<Value> = con.req_packed_command(&probe).await;
                self.run_async_as(Form::AtomicInlineLoads, con).await
            }
            None => outcome,
        }
    }

    /// The slot of the script calls' keys (`None` without keys); an error when they are
    /// not all in one slot.
    #[cfg(feature = "cluster")]
    fn check_one_slot(&self) -> Result<Option<u16>, BatchError> {
        let calls = self.script_calls();
        crate::cluster::shared_slot(calls.iter().copied()).map_err(BatchError::CrossSlot)
    }

    /// The script calls of the batch, as sent, with their numbers of keys.
    #[cfg(feature = "cluster")]
    fn script_calls(&self) -> Vec<crate::cluster::Call<'_>> {
        let commands: Vec<&Cmd> = self.pipeline.cmd_iter().collect();
        self.entries
            .iter()
            .filter(|entry| entry.script.is_some())
            .map(|entry| (commands[entry.position], entry.num_keys))
            .collect()
    }

    /// The batch as a transaction without `SCRIPT LOAD`s, the first call of each script
    /// sent as `EVAL <source>`, and a no-op call on the batch's first key in front when
    /// the batch would not route there by itself (see [`run_cluster`](Self::run_cluster)).
    #[cfg(feature = "cluster")]
    fn as_cluster_transaction(&self) -> Pipeline {
        let commands: Vec<&Cmd> = self.pipeline.cmd_iter().collect();
        let mut pipeline = redis::pipe();
        pipeline.ignore_errors().atomic();
        let routes_itself = self.entries.first().is_some_and(|entry| {
            entry.num_keys > 0 && entry.script.is_some_and(|meta| !meta.read_only())
        });
        if let (false, Some(key)) = (routes_itself, self.first_script_key()) {
            pipeline.add_command(slot_probe(key)).ignore();
        }
        let mut seen: Vec<&str> = Vec::new();
        for entry in &self.entries {
            let cmd = commands[entry.position];
            match entry.script {
                Some(meta) if !seen.contains(&meta.sha1()) => {
                    seen.push(meta.sha1());
                    pipeline.add_command(eval_of(meta, cmd));
                }
                _ => {
                    pipeline.add_command(cmd.clone());
                }
            }
        }
        pipeline
    }

    /// The pipeline sending the script calls at `indices` again as `EVAL <source>`, which
    /// cannot meet `NOSCRIPT` (and reports a script Redis cannot compile as such).
    fn resend(&self, indices: &[usize]) -> Pipeline {
        let commands: Vec<&Cmd> = self.pipeline.cmd_iter().collect();
        let mut pipeline = redis::pipe();
        pipeline.ignore_errors();
        for &index in indices {
            let entry = self.entries[index];
            if let Some(meta) = entry.script {
                pipeline.add_command(eval_of(meta, commands[entry.position]));
            }
        }
        pipeline
    }

    /// `SCRIPT LOAD` of this transaction's scripts not yet known to load, if any.
    fn unchecked_scripts(&self) -> Vec<&'static ScriptMeta> {
        if !self.is_transaction() {
            return Vec::new();
        }
        let known = KNOWN_TO_LOAD.lock().unwrap_or_else(|e| e.into_inner());
        self.scripts
            .iter()
            .copied()
            .filter(|meta| !known.contains(&meta.sha1()))
            .collect()
    }
}

/// `EVAL "return 0" 1 <key>`: a call that does nothing, routed by the slot of `key` to its
/// primary.
#[cfg(feature = "cluster")]
fn slot_probe(key: &[u8]) -> Cmd {
    let mut cmd = redis::cmd("EVAL");
    cmd.arg("return 0").arg(1).arg(key);
    cmd
}

/// Whether a refused transaction was refused because a key's slot moved (`MOVED`, `ASK`).
fn was_redirected(error: &RedisError) -> bool {
    error.clone().into_server_errors().is_some_and(|errors| {
        errors.iter().any(|(_, error)| {
            matches!(
                error.kind(),
                Some(redis::ServerErrorKind::Moved | redis::ServerErrorKind::Ask)
            )
        })
    })
}

/// Notes that `scripts` load, so later transactions need not check them again.
fn remember_loaded(scripts: &[&'static ScriptMeta]) {
    KNOWN_TO_LOAD
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .extend(scripts.iter().map(|meta| meta.sha1()));
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
            .finish()
    }
}

/// What to do next while running a batch.
enum Step<'a> {
    Send(Cow<'a, Pipeline>),
    Done(Result<Replies, BatchError>),
}

/// How a run gets the scripts of a batch to the server.
#[derive(Debug, Clone, Copy)]
enum Form {
    /// A `SCRIPT LOAD` before the first call of each script, its reply dropped.
    InlineLoads,
    /// As [`InlineLoads`](Self::InlineLoads), inside `MULTI`/`EXEC` even for a plain batch.
    #[cfg(feature = "cluster-async")]
    AtomicInlineLoads,
    /// `MULTI`/`EXEC` around the commands, with no `SCRIPT LOAD`: the first call of each
    /// script is `EVAL <source>`.
    #[cfg(feature = "cluster")]
    ClusterTransaction,
}

/// The state of one run of a batch: check scripts (transactions), send, send again the
/// calls that met `NOSCRIPT` (pipelines). Sync and async runs drive the same steps.
struct Run<'a> {
    batch: &'a Batch,
    /// How scripts get to the server.
    form: Form,
    checking: Vec<&'static ScriptMeta>,
    replies: Vec<RedisResult<Value>>,
    resent: Vec<usize>,
}

impl<'a> Run<'a> {
    fn new(batch: &'a Batch, form: Form) -> Self {
        Self {
            batch,
            form,
            // The cluster form's scripts were checked before the run.
            checking: match form {
                Form::InlineLoads => batch.unchecked_scripts(),
                #[cfg(feature = "cluster-async")]
                Form::AtomicInlineLoads => batch.unchecked_scripts(),
                #[cfg(feature = "cluster")]
                Form::ClusterTransaction => Vec::new(),
            },
            replies: Vec::new(),
            resent: Vec::new(),
        }
    }

    fn start(&mut self) -> Step<'a> {
        if self.batch.is_empty() {
            return self.done();
        }
        if self.checking.is_empty() {
            return Step::Send(self.main_pipeline());
        }
        let mut pipeline = redis::pipe();
        pipeline.ignore_errors();
        for meta in &self.checking {
            pipeline.add_command(meta.load_command());
        }
        Step::Send(Cow::Owned(pipeline))
    }

    /// Runs every step, sending each pipeline with `send`.
    fn drive(
        mut self,
        mut send: impl FnMut(&Pipeline) -> RedisResult<Value>,
    ) -> Result<Replies, BatchError> {
        let mut step = self.start();
        loop {
            match step {
                Step::Send(pipeline) => step = self.resume(send(&pipeline)),
                Step::Done(outcome) => return outcome,
            }
        }
    }

    fn resume(&mut self, reply: RedisResult<Value>) -> Step<'a> {
        if !self.checking.is_empty() {
            return self.after_check(reply);
        }
        let expected = if self.resent.is_empty() {
            self.batch.entries.len()
        } else {
            self.resent.len()
        };
        let values = match reply {
            Ok(Value::Array(values)) if values.len() == expected => values,
            Ok(Value::Nil) if self.batch.is_transaction() => {
                return Step::Done(Err(BatchError::WatchAborted));
            }
            Ok(other) => {
                let detail = format!("expected {expected} replies, got {}", describe(&other));
                let error = RedisError::from((
                    redis::ErrorKind::UnexpectedReturnType,
                    "unexpected batch reply",
                    detail,
                ));
                return self.failed(error, BatchError::Redis);
            }
            Err(error) => return self.failed(error.clone(), |_| BatchError::from_redis(error)),
        };
        if self.resent.is_empty() {
            self.replies = values.into_iter().map(Ok).collect();
        } else {
            for (&index, value) in self.resent.iter().zip(values) {
                self.replies[index] = Ok(value);
            }
        }
        self.resend_noscript()
    }

    /// A round that got no usable replies: the whole batch fails on its first round; on the
    /// re-send round the first round's replies stand and the re-sent calls get the error.
    fn failed(
        &mut self,
        error: RedisError,
        whole: impl FnOnce(RedisError) -> BatchError,
    ) -> Step<'a> {
        if self.resent.is_empty() {
            return Step::Done(Err(whole(error)));
        }
        for &index in &self.resent {
            self.replies[index] = Err(error.clone());
        }
        self.done()
    }

    /// After the `SCRIPT LOAD`s that precede a transaction: stop on a script that does not
    /// load, else remember the scripts and send the transaction.
    fn after_check(&mut self, reply: RedisResult<Value>) -> Step<'a> {
        let checking = std::mem::take(&mut self.checking);
        let values = match reply {
            Ok(Value::Array(values)) => values,
            Ok(other) => vec![other],
            // Nothing of the transaction was sent.
            Err(error) => return Step::Done(Err(BatchError::NotSent(error))),
        };
        for (meta, value) in checking.iter().zip(values) {
            if let Err(error) = meta.check_loaded(Ok(value)) {
                return Step::Done(Err(BatchError::Load(error)));
            }
        }
        remember_loaded(&checking);
        Step::Send(self.main_pipeline())
    }

    /// The batch's commands in the form this run sends.
    fn main_pipeline(&self) -> Cow<'a, Pipeline> {
        match self.form {
            Form::InlineLoads => Cow::Borrowed(&self.batch.pipeline),
            #[cfg(feature = "cluster-async")]
            Form::AtomicInlineLoads if !self.batch.is_transaction() => {
                let mut pipeline = self.batch.pipeline.clone();
                pipeline.atomic();
                Cow::Owned(pipeline)
            }
            #[cfg(feature = "cluster-async")]
            Form::AtomicInlineLoads => Cow::Borrowed(&self.batch.pipeline),
            #[cfg(feature = "cluster")]
            Form::ClusterTransaction => Cow::Owned(self.batch.as_cluster_transaction()),
        }
    }

    /// Sends again, in a plain batch, the script calls that met `NOSCRIPT` (they did not
    /// run), once, as `EVAL`.
    fn resend_noscript(&mut self) -> Step<'a> {
        // One re-send at most: after it, `resent` is no longer empty. Inside MULTI/EXEC
        // (transactions, and every batch on a cluster) no call can meet NOSCRIPT.
        if self.batch.is_transaction()
            || !matches!(self.form, Form::InlineLoads)
            || !self.resent.is_empty()
        {
            return self.done();
        }
        self.resent = (0..self.replies.len())
            .filter(|&i| self.batch.entries[i].script.is_some() && is_noscript(&self.replies[i]))
            .collect();
        if self.resent.is_empty() {
            return self.done();
        }
        Step::Send(Cow::Owned(self.batch.resend(&self.resent)))
    }

    fn done(&mut self) -> Step<'a> {
        Step::Done(Ok(Replies {
            batch: self.batch.id,
            values: std::mem::take(&mut self.replies)
                .into_iter()
                .map(Some)
                .collect(),
        }))
    }
}

/// Where the reply of a script call added to a [`Batch`] will be.
#[must_use = "the slot is needed to take the call's reply"]
pub struct Slot<R> {
    index: usize,
    batch: u64,
    meta: &'static ScriptMeta,
    reply: PhantomData<fn() -> R>,
}

/// Where the reply of a command added to a [`Batch`] will be.
#[must_use = "the slot is needed to take the command's reply"]
pub struct CmdSlot<T> {
    index: usize,
    batch: u64,
    reply: PhantomData<fn() -> T>,
}

impl<R> fmt::Debug for Slot<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Slot({} #{})", self.meta.name(), self.index)
    }
}

impl<T> fmt::Debug for CmdSlot<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CmdSlot(#{})", self.index)
    }
}

/// The replies of a [`Batch`], in the order of its commands; each is taken with its slot.
#[derive(Debug)]
pub struct Replies {
    batch: u64,
    values: Vec<Option<RedisResult<Value>>>,
}

impl Replies {
    /// Takes the typed reply of `slot`: `Result<R, Error>` for a script call,
    /// `RedisResult<T>` for a command.
    pub fn take<S: TakeReply>(&mut self, slot: S) -> S::Output {
        slot.take_from(self)
    }

    /// How many replies there are (one per command added).
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether the batch was empty.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    fn take_raw(&mut self, batch: u64, index: usize) -> RedisResult<Value> {
        if batch != self.batch {
            return Err(client_error("this slot belongs to another batch"));
        }
        self.values
            .get_mut(index)
            .and_then(Option::take)
            .unwrap_or_else(|| Err(client_error("this reply was already taken")))
    }
}

fn client_error(message: &'static str) -> RedisError {
    RedisError::from((redis::ErrorKind::Client, message))
}

/// A slot whose reply can be taken from [`Replies`]: [`Slot`] or [`CmdSlot`].
pub trait TakeReply {
    /// The typed reply.
    type Output;
    /// Takes this slot's reply out of `replies`.
    fn take_from(self, replies: &mut Replies) -> Self::Output;
}

impl<R: FromRedisValue> TakeReply for Slot<R> {
    type Output = Result<R, Error>;

    fn take_from(self, replies: &mut Replies) -> Self::Output {
        typed_reply(self.meta, replies.take_raw(self.batch, self.index))
    }
}

impl<T: FromRedisValue> TakeReply for CmdSlot<T> {
    type Output = RedisResult<T>;

    fn take_from(self, replies: &mut Replies) -> Self::Output {
        let value = replies.take_raw(self.batch, self.index)?.extract_error()?;
        Ok(T::from_redis_value(value)?)
    }
}

/// Why a [`Batch`] as a whole failed (a failure of one command is in its own reply).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum BatchError {
    /// The connection failed while the batch was sent or its replies awaited: any of its
    /// commands may or may not have run. This crate retries nothing (a cluster client may
    /// re-send a request itself: see the crate docs on Redis Cluster).
    Connection(RedisError),
    /// Redis or the client rejected the batch as a whole (for example `EXECABORT`, when
    /// a transaction's command was refused as it was queued: then nothing ran).
    Redis(RedisError),
    /// A transaction did not run because a `WATCH`ed key changed; nothing was applied.
    WatchAborted,
    /// A script of a transaction could not be loaded (for example Redis cannot compile
    /// it); nothing was sent.
    Load(Error),
    /// The connection failed while a transaction's scripts were being loaded, before the
    /// transaction was sent: nothing of it ran.
    NotSent(RedisError),
    /// The keys of the script calls of a batch for a cluster connection are in different
    /// hash slots, so no single node can run it: nothing was sent. Every key is listed
    /// with its slot; a common hash tag fixes it.
    CrossSlot(Vec<KeySlot>),
    /// A batch on a sync cluster connection ran, every command of it, but one of its
    /// replies was an error, and redis-rs's sync cluster client returns only that error:
    /// the other replies are lost (see [`Batch::run_cluster`]).
    RepliesLost(RedisError),
    /// The connection cannot run a batch (it does not pipeline); nothing was sent.
    Unsupported(&'static str),
}

impl BatchError {
    fn from_redis(error: RedisError) -> Self {
        if error.is_io_error() || error.is_connection_dropped() || error.is_timeout() {
            Self::Connection(error)
        } else {
            Self::Redis(error)
        }
    }
}

impl fmt::Display for BatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Connection(error) => write!(
                f,
                "the connection failed during the batch, so its commands may or may not have run: {error}"
            ),
            Self::Redis(error) if matches!(error.code(), Some("EXECABORT" | "CROSSSLOT")) => {
                write!(
                    f,
                    "the batch was refused as a whole, so nothing of it ran: {error}"
                )?;
                if was_redirected(error) {
                    f.write_str(
                        " (its slot is served by another node now, after a failover or a \
                         resharding: the batch can be sent again)",
                    )?;
                }
                Ok(())
            }
            Self::Redis(error) => write!(f, "the batch failed: {error}"),
            Self::WatchAborted => {
                f.write_str("the transaction did not run because a watched key changed")
            }
            Self::Load(error) => write!(f, "the transaction was not sent: {error}"),
            Self::NotSent(error) => write!(
                f,
                "the connection failed before the transaction was sent, so nothing of it ran: {error}"
            ),
            Self::CrossSlot(keys) => {
                f.write_str(
                    "the batch was not sent: on a cluster a batch goes to one node, and these \
                     keys of its script calls are in different hash slots:",
                )?;
                for key in keys {
                    write!(f, "\n  {key}")?;
                }
                f.write_str(
                    "\n  = help: give the keys a common hash tag (`{user1}:a` and `{user1}:b` \
                     are in one slot), or split the batch by slot",
                )
            }
            Self::Unsupported(what) => write!(f, "the batch was not sent: unsupported: {what}"),
            Self::RepliesLost(error) => write!(
                f,
                "every command of the batch ran, but the sync cluster client returned only this \
                 error reply, losing the other replies: {error}"
            ),
        }
    }
}

impl std::error::Error for BatchError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Connection(error)
            | Self::Redis(error)
            | Self::NotSent(error)
            | Self::RepliesLost(error) => Some(error),
            Self::Load(error) => Some(error),
            Self::WatchAborted | Self::CrossSlot(_) | Self::Unsupported(_) => None,
        }
    }
}
