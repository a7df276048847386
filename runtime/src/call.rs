//! A prepared invocation: `EVALSHA <sha1> <numkeys> keys... args...`, run with NOSCRIPT
//! recovery and a typed reply.

use std::cell::RefCell;
use std::fmt;
use std::marker::PhantomData;
use std::time::Duration;

use redis::{Cmd, ConnectionLike, FromRedisValue, RedisError, RedisResult, ToRedisArgs, Value};

use crate::cluster;
use crate::deadline::DEFAULT_DEADLINE;
use crate::error::{Error, ErrorKind, is_cross_slot};
use crate::invocation;
use crate::meta::ScriptMeta;
use crate::reload::{self, Attempts, Finished, Reload};
use crate::reply::{ReplyShape, describe};
use crate::trace::Trace;

/// One invocation of a bound script with its keys and arguments, ready to run.
///
/// Made by the typed function the macro generates (`RateLimiter::call(key, limit,
/// window)`); run it with [`invoke`](Self::invoke) or
/// [`invoke_async`](Self::invoke_async). It can be run more than once. `R` is the Rust
/// type of the reply: fixed by RETURNS, or chosen by the caller when RETURNS is free
/// text.
pub struct ScriptCall<R> {
    meta: &'static ScriptMeta,
    cmd: Cmd,
    num_keys: usize,
    /// An argument that could not be encoded (`json`, `msgpack`): the entry and why. Such
    /// a call is never sent.
    unencodable: Option<(&'static str, String)>,
    /// How long an async run waits for its replies.
    deadline: Duration,
    reply: PhantomData<fn() -> R>,
}

/// One invocation of a function of a library bound with `#[redis_library]`: a
/// [`ScriptCall`] that sends `FCALL` (`FCALL_RO` for a function registered with
/// `no-writes`) and loads the library when the server answers "Function not found".
pub type FunctionCall<R> = ScriptCall<R>;

impl<R> ScriptCall<R> {
    /// Starts `EVALSHA <sha1> <num_keys>` (`EVALSHA_RO` for a `no-writes` script); the
    /// generated code then writes the keys and the arguments with [`push`](Self::push).
    /// `num_args` sizes the buffers.
    pub(crate) fn new(meta: &'static ScriptMeta, num_keys: usize, num_args: usize) -> Self {
        Self {
            meta,
            cmd: invocation::evalsha(meta, num_keys, num_args),
            num_keys,
            unencodable: None,
            deadline: DEFAULT_DEADLINE,
            reply: PhantomData,
        }
    }

    /// Bounds how long an async run ([`invoke_async`](Self::invoke_async),
    /// [`invoke_cluster_async`](Self::invoke_cluster_async)) waits for its replies, a
    /// reload included: when no reply has come by then, it returns
    /// [`ErrorKind::Deadline`] (the script may or may not have run; it is not sent again).
    /// [`DEFAULT_DEADLINE`] (30 s) unless set; `Duration::MAX` waits without a bound.
    ///
    /// Sync runs are bounded by the connection's own read and write time-outs
    /// (`redis::Client::get_connection_with_timeout`, `Connection::set_read_timeout`).
    pub fn deadline(mut self, after: Duration) -> Self {
        self.deadline = after;
        self
    }

    /// Writes one key or argument straight into the command.
    pub(crate) fn push<T: ToRedisArgs>(&mut self, value: T) {
        self.cmd.arg(value);
    }

    /// Writes the argument `entry` (`ARGV[2] (\`job\`)`) with `encode`, straight into the
    /// command's buffer; when it fails, the call is marked so it is never sent.
    #[cfg_attr(not(any(feature = "json", feature = "msgpack")), allow(dead_code))]
    pub(crate) fn push_encoded(
        &mut self,
        entry: &'static str,
        encode: impl FnOnce(&mut dyn std::io::Write) -> Result<(), String>,
    ) {
        let mut writer = redis::RedisWrite::writer_for_next_arg(&mut self.cmd);
        if let Err(detail) = encode(&mut writer)
            && self.unencodable.is_none()
        {
            self.unencodable = Some((entry, detail));
        }
    }

    /// An error when an argument could not be encoded, so the call must not be sent.
    pub(crate) fn sendable(&self) -> Result<(), Error> {
        match &self.unencodable {
            None => Ok(()),
            Some((entry, detail)) => Err(Error::new(
                self.meta,
                ErrorKind::Argument {
                    entry,
                    detail: detail.clone(),
                },
            )),
        }
    }

    /// The script this call runs.
    pub fn script(&self) -> &'static ScriptMeta {
        self.meta
    }

    /// The `EVALSHA` command as it goes on the wire.
    pub fn command(&self) -> &Cmd {
        &self.cmd
    }

    /// The hash slot a Redis Cluster runs this call in: the slot all its keys share, or
    /// `None` when the script takes no keys (a cluster client then sends it to any node).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::CrossSlot`], naming every key and its slot, when the keys are in
    /// different slots: a cluster would refuse the call. (A shebang's
    /// `allow-cross-slot-keys` flag does not change this: it lets the script reach keys of
    /// other slots through `redis.call`, but Redis still refuses declared keys that do not
    /// share a slot.)
    pub fn slot(&self) -> Result<Option<u16>, Error> {
        cluster::shared_slot([(self.cmd.args_iter(), self.num_keys)])
            .map_err(|keys| Error::new(self.meta, ErrorKind::CrossSlot { keys }))
    }

    /// How many of the call's values are keys.
    pub(crate) fn num_keys(&self) -> usize {
        self.num_keys
    }

    /// The script, the command and its number of keys, for adding the call to a batch;
    /// an error instead when an argument could not be encoded.
    pub(crate) fn into_parts(self) -> Result<(&'static ScriptMeta, Cmd, usize), Error> {
        self.sendable()?;
        Ok((self.meta, self.cmd, self.num_keys))
    }
}

impl<R: FromRedisValue> ScriptCall<R> {
    /// Runs the script on a sync connection (`redis::Connection`, `redis::Client`, a pooled
    /// connection...).
    ///
    /// Sends `EVALSHA`; if the server does not have the script (`NOSCRIPT`: fresh server,
    /// restart, failover, `SCRIPT FLUSH`), sends `SCRIPT LOAD` (so the server keeps it),
    /// then the call once more as `EVAL` with its source, which no flush by another client
    /// can make miss its script. `NOSCRIPT` means the script did not run, so it never runs
    /// twice. A
    /// library function that meets "Function not found" gets its library loaded
    /// (`FUNCTION LOAD`), then is called once more, which leaves the connection's `WATCH`
    /// alone; when a `FUNCTION FLUSH` lands between the two twice, the load and the call go
    /// in one transaction (`MULTI`, `FUNCTION LOAD`, the call, `EXEC`), which no flush can
    /// split but whose `EXEC` ends a `WATCH`.
    pub fn invoke<C: ConnectionLike + ?Sized>(&self, con: &mut C) -> Result<R, Error> {
        self.sendable()?;
        let trace = Trace::start(self.meta, self.num_keys);
        let attempts = Attempts::new(self.meta, &self.cmd, Reload::StepwiseFirst);
        let finished = reload::drive(attempts, &mut Plain(con), || trace.noscript(self.meta));
        finish(trace, self.result(finished))
    }

    /// Runs the script on an async connection (`MultiplexedConnection`,
    /// `ConnectionManager`...), with the same `NOSCRIPT` recovery as
    /// [`invoke`](Self::invoke), bounded by the call's [`deadline`](Self::deadline). A
    /// library function that meets "Function not found" is sent again in one transaction
    /// with its library's load, `MULTI`, `FUNCTION LOAD`, the call, `EXEC`, which no
    /// `FUNCTION FLUSH` can split.
    #[cfg(feature = "aio")]
    #[cfg_attr(docsrs, doc(cfg(feature = "aio")))]
    pub async fn invoke_async<C: redis::aio::ConnectionLike>(
        &self,
        con: &mut C,
    ) -> Result<R, Error> {
        self.sendable()?;
        let trace = Trace::start(self.meta, self.num_keys);
        let attempts = async {
            let attempts = Attempts::new(self.meta, &self.cmd, Reload::Transaction);
            let finished = reload::drive_async(attempts, con, || trace.noscript(self.meta)).await;
            self.result(finished)
        };
        let result = self.bounded(attempts).await;
        finish(trace, result)
    }

    /// `run`, bounded by the call's [`deadline`](Self::deadline).
    #[cfg(feature = "aio")]
    async fn bounded(
        &self,
        run: impl std::future::Future<Output = Result<R, Error>>,
    ) -> Result<R, Error> {
        let after = self.deadline;
        crate::deadline::within(after, run)
            .await
            .unwrap_or_else(|| Err(Error::new(self.meta, ErrorKind::Deadline { after })))
    }

    /// Runs the script on a sync Redis Cluster connection, after checking that its keys
    /// share a hash slot ([`slot`](Self::slot)): if they do not, the call fails with
    /// [`ErrorKind::CrossSlot`] and nothing is sent.
    ///
    /// The cluster client sends the call to the primary that owns the slot of its keys (a
    /// `no-writes` script may go to a replica when the client reads from replicas; a call
    /// without keys goes to a random node, replicas included). If that node answers
    /// `NOSCRIPT`, `SCRIPT LOAD` goes to the primary of the call's slot, and the call once
    /// more as `EVAL` with the script's source, routed as the call. A library function that meets "Function not found" gets its library loaded on
    /// the primary of its keys (a replica cannot load a library, and gets it from its
    /// primary), then the call once more: in two steps, repeated when a `FUNCTION FLUSH`
    /// lands between them (64 times at the most). Missing code means the call did not run,
    /// so this never runs it twice; the cluster client's own retries are another matter:
    /// see the crate docs on Redis Cluster.
    #[cfg(feature = "cluster")]
    #[cfg_attr(docsrs, doc(cfg(feature = "cluster")))]
    pub fn invoke_cluster(&self, con: &mut redis::cluster::ClusterConnection) -> Result<R, Error> {
        use redis::cluster_routing::RoutingInfo;
        self.sendable()?;
        let trace = Trace::start(self.meta, self.num_keys);
        if let Err(error) = self.slot() {
            return finish(trace, Err(error));
        }
        let node = RoutingInfo::SingleNode(self.reload_node());
        let mut steps = OnClusterNode { con, node };
        let attempts = Attempts::new(self.meta, &self.cmd, Reload::Stepwise);
        let finished = reload::drive(attempts, &mut steps, || trace.noscript(self.meta));
        finish(trace, self.result(finished))
    }

    /// Where a library's load for this call goes on a cluster: the primary of the call's
    /// slot (a replica cannot load a library, and gets it from its primary), any primary
    /// for a call without keys.
    #[cfg(feature = "cluster")]
    fn reload_node(&self) -> redis::cluster_routing::SingleNodeRoutingInfo {
        cluster::primary_of(self.slot().ok().flatten())
    }

    /// Runs the script on an async Redis Cluster connection: the async
    /// [`invoke_cluster`](Self::invoke_cluster), bounded by its [`deadline`](Self::deadline).
    #[cfg(feature = "cluster-async")]
    #[cfg_attr(docsrs, doc(cfg(feature = "cluster-async")))]
    pub async fn invoke_cluster_async(
        &self,
        con: &mut redis::cluster_async::ClusterConnection,
    ) -> Result<R, Error> {
        self.sendable()?;
        let trace = Trace::start(self.meta, self.num_keys);
        if let Err(error) = self.slot() {
            return finish(trace, Err(error));
        }
        let node = self.reload_node();
        let attempts = async {
            let finished = reload::drive_cluster_async(
                Attempts::new(self.meta, &self.cmd, Reload::Transaction),
                con,
                node,
                || trace.noscript(self.meta),
            )
            .await;
            self.result(finished)
        };
        let result = self.bounded(attempts).await;
        finish(trace, result)
    }

    /// The typed result of how the call's attempts ended.
    fn result(&self, finished: Finished) -> Result<R, Error> {
        match finished {
            Finished::Reply(reply) => self.outcome(reply),
            Finished::Failed(error, _) => Err(error),
        }
    }

    /// The typed result of the reply; a `CROSSSLOT` refusal names the keys and their slots.
    fn outcome(&self, reply: RedisResult<Value>) -> Result<R, Error> {
        if is_cross_slot(&reply) {
            let keys = cluster::key_slots([(self.cmd.args_iter(), self.num_keys)]);
            return Err(Error::new(self.meta, ErrorKind::CrossSlot { keys }));
        }
        typed_reply(self.meta, reply)
    }
}

/// A sync connection sending the steps of a call: the call as it is, everything else
/// packed.
struct Plain<'c, C: ?Sized>(&'c mut C);

impl<C: ConnectionLike + ?Sized> reload::SyncSteps for Plain<'_, C> {
    fn call(&mut self, cmd: &Cmd) -> RedisResult<Value> {
        send(self.0, cmd)
    }

    fn on_node(&mut self, cmd: &Cmd) -> RedisResult<Value> {
        self.0.req_command(cmd)
    }

    fn transaction(&mut self, pipeline: &redis::Pipeline) -> RedisResult<Vec<Value>> {
        self.0
            .req_packed_commands(&pipeline.get_packed_pipeline(), 0, pipeline.len())
    }
}

/// redis-rs's sync cluster client sending the steps of a call: the call routed by its
/// keys, its loads and read-backs to `node`, the reload transaction routed by the probe
/// in it.
#[cfg(feature = "cluster")]
struct OnClusterNode<'c> {
    con: &'c mut redis::cluster::ClusterConnection,
    node: redis::cluster_routing::RoutingInfo,
}

#[cfg(feature = "cluster")]
impl reload::SyncSteps for OnClusterNode<'_> {
    fn call(&mut self, cmd: &Cmd) -> RedisResult<Value> {
        // The cluster client routes a `Cmd` as it is; packed bytes it would parse.
        self.con.req_command(cmd)
    }

    fn on_node(&mut self, cmd: &Cmd) -> RedisResult<Value> {
        self.con.route_command(cmd, self.node.clone())
    }

    fn transaction(&mut self, pipeline: &redis::Pipeline) -> RedisResult<Vec<Value>> {
        // Its reload is `Reload::Stepwise`; a transaction would be routed by its first
        // command, not to the node.
        let _ = pipeline;
        Err(RedisError::from((
            redis::ErrorKind::Client,
            "the sync cluster client reloads a library in two steps, not in a transaction",
        )))
    }
}

/// Ends the trace of a call with its result.
fn finish<R>(trace: Trace, result: Result<R, Error>) -> Result<R, Error> {
    trace.finish(&result);
    result
}

/// Sends `cmd` on a sync connection, packed into a buffer of this thread that is reused
/// from call to call (`ConnectionLike::req_command` would allocate a new one each time).
fn send<C: ConnectionLike + ?Sized>(con: &mut C, cmd: &Cmd) -> RedisResult<Value> {
    thread_local! {
        static PACKED: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    }
    PACKED.with(|packed| match packed.try_borrow_mut() {
        Ok(mut buffer) => {
            /// Above this, the buffer is given back after the call instead of kept.
            const KEPT_CAPACITY: usize = 64 * 1024;
            buffer.clear();
            cmd.write_packed_command(&mut buffer);
            let reply = con.req_packed_command(&buffer);
            if buffer.capacity() > KEPT_CAPACITY {
                *buffer = Vec::new();
            }
            reply
        }
        // A connection that runs a script call from inside its own `req_packed_command`.
        Err(_) => con.req_command(cmd),
    })
}

/// Turns the reply to an invocation of `meta` into `R`, or into an error naming the script.
pub(crate) fn typed_reply<R: FromRedisValue>(
    meta: &'static ScriptMeta,
    reply: RedisResult<Value>,
) -> Result<R, Error> {
    if let Some(function) = meta.function_name()
        && crate::error::is_refusal(&reply, "ERR", WRITE_FLAG_REFUSAL)
    {
        // FCALL_RO of a function the server's version registers without `no-writes`.
        let detail = format!("its function {function} is not registered with `no-writes`");
        return Err(Error::new(meta, ErrorKind::LibraryMismatch { detail }));
    }
    match reply {
        Ok(Value::ServerError(error)) => Err(Error::from_redis(meta, RedisError::from(error))),
        Ok(value) => convert(meta, value),
        Err(error) => Err(Error::from_redis(meta, error)),
    }
}

/// How Redis refuses `FCALL_RO` (`EVALSHA_RO`) of code that may write.
const WRITE_FLAG_REFUSAL: &str = "Can not execute a script with write flag";

/// Checks the reply against RETURNS, then converts it.
fn convert<R: FromRedisValue>(meta: &'static ScriptMeta, value: Value) -> Result<R, Error> {
    let mismatch = |reply: String, detail: Option<String>| {
        Error::new(
            meta,
            ErrorKind::Reply {
                expected: meta.returns_declared(),
                reply,
                detail,
            },
        )
    };
    let shape = meta.returns();
    if *shape == ReplyShape::Any {
        return R::from_redis_value_ref(&value)
            .map_err(|error| mismatch(describe(&value), Some(conversion(&error))));
    }
    if !shape.accepts(&value) {
        return Err(mismatch(describe(&value), None));
    }
    R::from_redis_value(value).map_err(|error| {
        let detail = conversion(&error);
        // The decoders of `json` and `msgpack` replies say what they got themselves.
        let detail = if detail.starts_with(crate::structured::UNDECODED) {
            detail
        } else {
            format!("a reply that does not convert to the type asked for: {detail}")
        };
        mismatch(String::new(), Some(detail))
    })
}

/// Why a reply did not convert, without redis-rs's "Incompatible type - " in front.
fn conversion(error: &redis::ParsingError) -> String {
    let text = error.to_string();
    match text.strip_prefix("Incompatible type - ") {
        Some(rest) => rest.to_owned(),
        None => text,
    }
}

impl<R> fmt::Debug for ScriptCall<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Keys and arguments may carry secrets: show only how many there are.
        f.debug_struct("ScriptCall")
            .field("script", &self.meta.name())
            .field("args", &invocation::value_count(self.cmd.args_iter()))
            .finish()
    }
}

impl<R> Clone for ScriptCall<R> {
    fn clone(&self) -> Self {
        Self {
            meta: self.meta,
            cmd: self.cmd.clone(),
            num_keys: self.num_keys,
            unencodable: self.unencodable.clone(),
            deadline: self.deadline,
            reply: PhantomData,
        }
    }
}
