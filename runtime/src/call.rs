//! A prepared invocation: `EVALSHA <sha1> <numkeys> keys... args...`, run with NOSCRIPT
//! recovery and a typed reply.

use std::cell::RefCell;
use std::fmt;
use std::marker::PhantomData;

use redis::{Cmd, ConnectionLike, FromRedisValue, RedisError, RedisResult, ToRedisArgs, Value};

use crate::cluster;
use crate::error::{Error, ErrorKind, is_cross_slot};
use crate::invocation;
use crate::load::{Loaded, check_loaded, is_missing, load_command};
use crate::meta::ScriptMeta;
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
            reply: PhantomData,
        }
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

    /// The pipeline `SCRIPT LOAD <source>`, this call: sent to the node of the call
    /// after it answered `NOSCRIPT`, it loads the script into the set Redis never evicts
    /// (since 7.4, scripts cached by `EVAL` may be evicted) and runs the call, in one round
    /// trip. The call's reply is the last. With `routed`, a no-op call on the first key,
    /// read-only when the script is, comes first: redis-rs's sync cluster client routes a
    /// pipeline by its first command.
    #[cfg(feature = "cluster")]
    fn load_then_call(&self, routed: bool) -> redis::Pipeline {
        let mut pipeline = redis::pipe();
        if let (true, Some(key)) = (
            routed,
            invocation::keys(self.cmd.args_iter(), self.num_keys).next(),
        ) {
            pipeline.add_command(cluster::slot_probe(key, self.meta.read_only()));
        }
        pipeline
            .add_command(load_command(self.meta))
            .add_command(self.cmd.clone());
        pipeline
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
    /// restart, failover, `SCRIPT FLUSH`), loads it with `SCRIPT LOAD` and sends the
    /// `EVALSHA` once more. `NOSCRIPT` means the script did not run, so it never runs twice.
    pub fn invoke<C: ConnectionLike + ?Sized>(&self, con: &mut C) -> Result<R, Error> {
        self.sendable()?;
        let trace = Trace::start(self.meta, self.num_keys);
        let reply = send(con, &self.cmd);
        if !is_missing(&reply) {
            return finish(trace, self.outcome(reply));
        }
        trace.noscript(self.meta);
        let result = check_loaded(self.meta, con.req_command(&load_command(self.meta)))
            .and_then(|loaded| self.outcome_after_load(loaded, send(con, &self.cmd)));
        finish(trace, result)
    }

    /// Runs the script on an async connection (`MultiplexedConnection`,
    /// `ConnectionManager`...), with the same `NOSCRIPT` recovery as [`invoke`](Self::invoke).
    #[cfg(feature = "aio")]
    #[cfg_attr(docsrs, doc(cfg(feature = "aio")))]
    pub async fn invoke_async<C: redis::aio::ConnectionLike>(
        &self,
        con: &mut C,
    ) -> Result<R, Error> {
        self.sendable()?;
        let trace = Trace::start(self.meta, self.num_keys);
        let reply = con.req_packed_command(&self.cmd).await;
        if !is_missing(&reply) {
            return finish(trace, self.outcome(reply));
        }
        trace.noscript(self.meta);
        let loaded = check_loaded(
            self.meta,
            con.req_packed_command(&load_command(self.meta)).await,
        );
        let result = match loaded {
            Ok(loaded) => self.outcome_after_load(loaded, con.req_packed_command(&self.cmd).await),
            Err(error) => Err(error),
        };
        finish(trace, result)
    }

    /// Runs the script on a sync Redis Cluster connection, after checking that its keys
    /// share a hash slot ([`slot`](Self::slot)): if they do not, the call fails with
    /// [`ErrorKind::CrossSlot`] and nothing is sent.
    ///
    /// The cluster client sends the call to the primary that owns the slot of its keys (a
    /// `no-writes` script may go to a replica when the client reads from replicas; a call
    /// without keys goes to a random node, replicas included). If that node answers
    /// `NOSCRIPT`, a pipeline of `SCRIPT LOAD` and the call is sent to it, routed the same
    /// way (a plain `SCRIPT LOAD` would go to every node and fail when any one of them is
    /// unreachable). A library function that meets "Function not found" gets its library
    /// loaded the same way, on the primary of its keys (a replica cannot load one), and
    /// the call runs there. Not found means it did not run, so this never runs it twice;
    /// the cluster client's own retries are another matter: see the crate docs on Redis
    /// Cluster.
    #[cfg(feature = "cluster")]
    #[cfg_attr(docsrs, doc(cfg(feature = "cluster")))]
    pub fn invoke_cluster(&self, con: &mut redis::cluster::ClusterConnection) -> Result<R, Error> {
        self.sendable()?;
        let trace = Trace::start(self.meta, self.num_keys);
        if let Err(error) = self.slot() {
            return finish(trace, Err(error));
        }
        // The cluster client routes a `Cmd` as it is; packed bytes it would parse back.
        let reply = con.req_command(&self.cmd);
        if !is_missing(&reply) {
            return finish(trace, self.outcome(reply));
        }
        trace.noscript(self.meta);
        if self.meta.is_function() {
            // Loaded alone on the primary of the keys: in one pipeline with the call, a
            // library already there ("already exists") would be all this client returns.
            use redis::cluster_routing::RoutingInfo;
            let node = RoutingInfo::SingleNode(self.primary_of_keys());
            let loaded = check_loaded(self.meta, con.route_command(&load_command(self.meta), node));
            let result = loaded
                .and_then(|loaded| self.outcome_after_load(loaded, con.req_command(&self.cmd)));
            return finish(trace, result);
        }
        let pipeline = self.load_then_call(true);
        // Every reply is read (redis-rs 1.8 panics on an error among skipped replies
        // outside MULTI); the load's and the call's are the last two.
        let replies = con.req_packed_commands(&pipeline.get_packed_pipeline(), 0, pipeline.len());
        finish(trace, self.outcome_of_reload(replies))
    }

    /// The primary of the call's keys (any primary for a call without keys): where a
    /// script or library is loaded after the call's node lacked it.
    #[cfg(feature = "cluster")]
    fn primary_of_keys(&self) -> redis::cluster_routing::SingleNodeRoutingInfo {
        use redis::cluster_routing::{Route, SingleNodeRoutingInfo, SlotAddr};
        match self.slot() {
            Ok(Some(slot)) => {
                SingleNodeRoutingInfo::SpecificNode(Route::new(slot, SlotAddr::Master))
            }
            _ => SingleNodeRoutingInfo::RandomPrimary,
        }
    }

    /// Runs the script on an async Redis Cluster connection: the async
    /// [`invoke_cluster`](Self::invoke_cluster).
    #[cfg(feature = "cluster-async")]
    #[cfg_attr(docsrs, doc(cfg(feature = "cluster-async")))]
    pub async fn invoke_cluster_async(
        &self,
        con: &mut redis::cluster_async::ClusterConnection,
    ) -> Result<R, Error> {
        use redis::aio::ConnectionLike as _;
        self.sendable()?;
        let trace = Trace::start(self.meta, self.num_keys);
        if let Err(error) = self.slot() {
            return finish(trace, Err(error));
        }
        let reply = con.req_packed_command(&self.cmd).await;
        if !is_missing(&reply) {
            return finish(trace, self.outcome(reply));
        }
        trace.noscript(self.meta);
        let replies = con
            .route_pipeline(self.load_then_call(false), 0, 2, self.primary_of_keys())
            .await;
        finish(trace, self.outcome_of_reload(replies))
    }

    /// The result of the pipeline of [`load_then_call`](Self::load_then_call), whose last
    /// two replies are the load's and the call's.
    #[cfg(feature = "cluster")]
    fn outcome_of_reload(&self, replies: RedisResult<Vec<Value>>) -> Result<R, Error> {
        let mut replies = match replies {
            Ok(replies) => replies,
            Err(error) => return self.outcome(Err(error)),
        };
        let call = replies.pop().unwrap_or(Value::Nil);
        let load = replies.pop().unwrap_or(Value::Nil);
        let loaded = check_loaded(self.meta, Ok(load))?;
        self.outcome_after_load(loaded, Ok(call))
    }

    /// The result of the call sent again after its script or library was loaded (`loaded`
    /// tells how): a function still not found in a library that was already there means
    /// the server has another version of the library, without this function.
    fn outcome_after_load(&self, loaded: Loaded, reply: RedisResult<Value>) -> Result<R, Error> {
        if let (Loaded::AlreadyThere, Some(function), true) =
            (loaded, self.meta.function_name(), is_missing(&reply))
        {
            let detail = format!("it has no function {function}");
            return Err(Error::new(self.meta, ErrorKind::LibraryMismatch { detail }));
        }
        self.outcome(reply)
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
            .map_err(|error| mismatch(describe(&value), Some(error.to_string())));
    }
    if !shape.accepts(&value) {
        return Err(mismatch(describe(&value), None));
    }
    R::from_redis_value(value).map_err(|error| {
        mismatch(
            "a reply of the declared shape that still did not convert".to_owned(),
            Some(error.to_string()),
        )
    })
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
            reply: PhantomData,
        }
    }
}
