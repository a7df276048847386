//! The one owner of `SCRIPT LOAD` and `FUNCTION LOAD`: loading a script or library ahead of
//! time, loading every bound one, the loads a batch sends, and reading their replies.
//!
//! Scripts are cached by SHA1, so loading one never disturbs anything. A function library
//! is stored under its name, and two versions of it cannot live side by side, so loads
//! made on the caller's behalf never replace one:
//!
//! - a call that meets "Function not found", [`load_all`] and batches send `FUNCTION LOAD`
//!   without `REPLACE`: a library of that name that is already there stays;
//! - [`load_all`] and transactions then read the server's code back (`FUNCTION LIST
//!   WITHCODE`) and fail with [`ErrorKind::LibraryMismatch`] when it differs;
//! - only [`ScriptMeta::load`] on a library (`YourLibrary::LIBRARY.load(&mut con)`) sends
//!   `FUNCTION LOAD REPLACE`: the explicit step that rolls a new version out.
//!
//! The async loads wait at most [`DEFAULT_DEADLINE`](crate::DEFAULT_DEADLINE) for each
//! reply, then fail with [`ErrorKind::Load`] saying so.

use redis::{Cmd, ConnectionLike, Pipeline, RedisError, RedisResult, Value};

#[cfg(feature = "aio")]
use crate::deadline::bounded;
use crate::error::{Error, ErrorKind};
use crate::meta::{ScriptKind, ScriptMeta};
use crate::registry::{libraries, scripts};

/// Which version of a library (or script) a server has: see [`ScriptMeta::deployed`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Deployed {
    /// The server does not have it.
    Missing,
    /// The server has exactly the compiled-in code.
    Current,
    /// The server has a library of that name with other code: another version.
    Other {
        /// SHA1 of the server's code, to tell versions apart in logs.
        sha1: String,
    },
}

/// What a load found, for the retry of a call that met "not found".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Loaded {
    /// The server took the code.
    Now,
    /// A library of that name was already there (it was not replaced).
    AlreadyThere,
}

impl ScriptMeta {
    /// Loads the code on the server behind `con`: `SCRIPT LOAD` for a script;
    /// `FUNCTION LOAD REPLACE` for a library (`YourLibrary::LIBRARY`), which replaces any
    /// other version of it; for a library function, `FUNCTION LOAD` of its library
    /// without `REPLACE` (a version already there stays).
    ///
    /// Invocations load a script or library on their own when the server lacks it, so
    /// this is needed to fail early (code Redis cannot compile), to warm a fresh server,
    /// and to roll out a new version of a library.
    pub fn load<C: ConnectionLike + ?Sized>(&'static self, con: &mut C) -> Result<(), Error> {
        check_loaded(self, con.req_command(&load_command(self))).map(drop)
    }

    /// Async [`load`](Self::load).
    #[cfg(feature = "aio")]
    #[cfg_attr(docsrs, doc(cfg(feature = "aio")))]
    pub async fn load_async<C: redis::aio::ConnectionLike>(
        &'static self,
        con: &mut C,
    ) -> Result<(), Error> {
        let reply = bounded(con.req_packed_command(&load_command(self))).await;
        check_loaded(self, reply).map(drop)
    }

    /// Which version the server behind `con` has: of a library (or a function's library),
    /// compared by its whole code, read back with `FUNCTION LIST LIBRARYNAME <name>
    /// WITHCODE`; of a script, whether its SHA1 is cached (`SCRIPT EXISTS`).
    ///
    /// The cost is one round trip whose reply carries the library's code (the size of the
    /// file); the comparison is made here. Use it at startup or in a health check, not on
    /// every call: calls trust the name, so a server holding another version of a library
    /// runs that version's body of a function that both versions have.
    pub fn deployed<C: ConnectionLike + ?Sized>(
        &'static self,
        con: &mut C,
    ) -> Result<Deployed, Error> {
        let reply = con.req_command(&deployed_command(self));
        read_deployed(self, reply)
    }

    /// Async [`deployed`](Self::deployed).
    #[cfg(feature = "aio")]
    #[cfg_attr(docsrs, doc(cfg(feature = "aio")))]
    pub async fn deployed_async<C: redis::aio::ConnectionLike>(
        &'static self,
        con: &mut C,
    ) -> Result<Deployed, Error> {
        let reply = bounded(con.req_packed_command(&deployed_command(self))).await;
        read_deployed(self, reply)
    }
}

/// The command that loads `meta` (see [`ScriptMeta::load`]).
pub(crate) fn load_command(meta: &ScriptMeta) -> Cmd {
    match meta.kind() {
        ScriptKind::Script => {
            let mut cmd = redis::cmd("SCRIPT");
            cmd.arg("LOAD").arg(meta.sent_source());
            cmd
        }
        ScriptKind::Library { .. } => function_load(meta, true),
        _ => function_load(meta, false),
    }
}

/// `FUNCTION LOAD [REPLACE] <source>`.
fn function_load(meta: &ScriptMeta, replace: bool) -> Cmd {
    let mut cmd = redis::cmd("FUNCTION");
    cmd.arg("LOAD");
    if replace {
        cmd.arg("REPLACE");
    }
    cmd.arg(meta.sent_source());
    cmd
}

/// `FUNCTION LIST LIBRARYNAME <name> WITHCODE` for a library or function, `SCRIPT EXISTS
/// <sha1>` for a script.
pub(crate) fn deployed_command(meta: &ScriptMeta) -> Cmd {
    match meta.library_name() {
        Some(name) => {
            let mut cmd = redis::cmd("FUNCTION");
            cmd.arg("LIST").arg("LIBRARYNAME").arg(name).arg("WITHCODE");
            cmd
        }
        None => {
            let mut cmd = redis::cmd("SCRIPT");
            cmd.arg("EXISTS").arg(meta.sent_sha1());
            cmd
        }
    }
}

/// Reads the reply of [`deployed_command`].
pub(crate) fn read_deployed(
    meta: &'static ScriptMeta,
    reply: RedisResult<Value>,
) -> Result<Deployed, Error> {
    let value = reply
        .and_then(Value::extract_error)
        .map_err(|error| Error::from_redis(meta, error))?;
    if meta.library_name().is_none() {
        return match value {
            Value::Array(found) if found.first() == Some(&Value::Int(1)) => Ok(Deployed::Current),
            Value::Array(_) => Ok(Deployed::Missing),
            other => Err(unexpected(meta, "SCRIPT EXISTS", &other)),
        };
    }
    match listed_code(meta, &value) {
        Ok(None) => Ok(Deployed::Missing),
        Ok(Some(code)) if code == meta.sent_source().as_bytes() => Ok(Deployed::Current),
        Ok(Some(code)) => Ok(Deployed::Other {
            sha1: sha1_smol::Sha1::from(code).digest().to_string(),
        }),
        Err(()) => Err(unexpected(meta, "FUNCTION LIST", &value)),
    }
}

/// The code of `meta`'s library in a `FUNCTION LIST ... WITHCODE` reply: `None` when the
/// library is not listed; `Err` when the reply has another shape.
fn listed_code<'a>(meta: &ScriptMeta, reply: &'a Value) -> Result<Option<&'a [u8]>, ()> {
    let Value::Array(libraries) = reply else {
        return Err(());
    };
    let name = meta.library_name().unwrap_or_default().as_bytes();
    for library in libraries {
        let fields = entries(library).ok_or(())?;
        let field = |key: &str| {
            fields
                .iter()
                .find(|(k, _)| text(k) == Some(key.as_bytes()))
                .and_then(|(_, v)| text(v))
        };
        if field("library_name") == Some(name) {
            return field("library_code").map(Some).ok_or(());
        }
    }
    Ok(None)
}

/// The (key, value) pairs of a RESP3 map or a RESP2 flat array.
fn entries(value: &Value) -> Option<Vec<(&Value, &Value)>> {
    match value {
        Value::Map(pairs) => Some(pairs.iter().map(|(k, v)| (k, v)).collect()),
        Value::Array(flat) if flat.len() % 2 == 0 => {
            Some(flat.chunks(2).map(|pair| (&pair[0], &pair[1])).collect())
        }
        _ => None,
    }
}

/// The bytes of a string reply.
fn text(value: &Value) -> Option<&[u8]> {
    match value {
        Value::BulkString(bytes) => Some(bytes),
        Value::SimpleString(text) => Some(text.as_bytes()),
        Value::VerbatimString { text, .. } => Some(text.as_bytes()),
        _ => None,
    }
}

/// An error for a reply of `command` that has the wrong shape.
fn unexpected(meta: &'static ScriptMeta, command: &str, reply: &Value) -> Error {
    let error = RedisError::from((
        redis::ErrorKind::UnexpectedReturnType,
        "unexpected reply",
        format!("{command} answered {}", crate::reply::describe(reply)),
    ));
    Error::new(meta, ErrorKind::Load(error))
}

/// Checks the reply of [`load_command`]: an error, or a SHA1 (library name) other than
/// the script's (library's), which would mean the bytes were changed on the way.
pub(crate) fn check_loaded(
    meta: &'static ScriptMeta,
    reply: RedisResult<Value>,
) -> Result<Loaded, Error> {
    let expected = meta.library_name().unwrap_or(meta.sent_sha1());
    let command = if meta.library_name().is_some() {
        "FUNCTION LOAD"
    } else {
        "SCRIPT LOAD"
    };
    match reply.and_then(Value::extract_error) {
        Ok(Value::BulkString(name)) if name == expected.as_bytes() => Ok(Loaded::Now),
        Ok(other) => {
            let detail = format!(
                "{command} answered {} instead of {expected}",
                crate::reply::describe(&other),
            );
            let error = RedisError::from((
                redis::ErrorKind::UnexpectedReturnType,
                "unexpected load reply",
                detail,
            ));
            Err(Error::new(meta, ErrorKind::Load(error)))
        }
        Err(error) if meta.is_function() && is_library_present(&error) => Ok(Loaded::AlreadyThere),
        Err(error) => match Error::from_redis(meta, error.clone()).into_kind() {
            kind @ ErrorKind::Compile { .. } => Err(Error::new(meta, kind)),
            // A script's load refused by the server (no script runs on a load).
            _ if meta.library_name().is_none() && crate::error::is_server_error(&error) => {
                Err(Error::new(meta, ErrorKind::Redis(error)))
            }
            _ => Err(Error::new(meta, ErrorKind::Load(error))),
        },
    }
}

/// Whether `FUNCTION LOAD` refused because a library of that name is there already.
fn is_library_present(error: &RedisError) -> bool {
    error.code() == Some("ERR")
        && error
            .detail()
            .is_some_and(|d| d.starts_with("Library '") && d.ends_with("' already exists"))
}

/// The commands that make sure the server runs `meta`'s code, for [`load_all`] and the
/// check before a transaction: `SCRIPT LOAD` for a script; for a library (or function),
/// `FUNCTION LOAD` without `REPLACE`, then `FUNCTION LIST ... WITHCODE` to compare.
fn verify_commands(meta: &ScriptMeta) -> Vec<Cmd> {
    match meta.library_name() {
        None => vec![load_command(meta)],
        Some(_) => vec![function_load(meta, false), deployed_command(meta)],
    }
}

/// Sends `meta`'s [`verify_commands`] one at a time with `send`, and checks the replies.
#[cfg(feature = "cluster")]
pub(crate) fn verify_with(
    meta: &'static ScriptMeta,
    mut send: impl FnMut(&Cmd) -> RedisResult<Value>,
) -> Result<(), Error> {
    let replies: Vec<RedisResult<Value>> = verify_commands(meta).iter().map(&mut send).collect();
    check_verified(meta, &mut replies.into_iter())
}

/// Reads the replies of `meta`'s [`verify_commands`] from `replies`.
fn check_verified(
    meta: &'static ScriptMeta,
    replies: &mut impl Iterator<Item = RedisResult<Value>>,
) -> Result<(), Error> {
    let mut next = || replies.next().unwrap_or(Ok(Value::Nil));
    if meta.library_name().is_none() {
        return check_loaded(meta, next()).map(drop);
    }
    let library = meta.library().unwrap_or(meta);
    let load = next();
    let listed = next();
    // A library that did not load because another version is there is reported as such;
    // one that does not compile, as that.
    let loaded = check_loaded(library, load).or_else(|error| match error.kind() {
        ErrorKind::Load(cause) if is_library_present(cause) => Ok(Loaded::AlreadyThere),
        _ => Err(error),
    })?;
    match read_deployed(library, listed)? {
        Deployed::Current => Ok(()),
        Deployed::Missing if loaded == Loaded::Now => Ok(()),
        found => Err(mismatch(meta, &found)),
    }
}

/// The error of a server that has another version of `meta`'s library (`found`).
pub(crate) fn mismatch(meta: &'static ScriptMeta, found: &Deployed) -> Error {
    let detail = match found {
        Deployed::Other { sha1 } => format!("the server's code has SHA1 {sha1}"),
        Deployed::Missing => "the server lost it right after loading it".to_owned(),
        Deployed::Current => "it is the same code".to_owned(),
    };
    Error::new(meta, ErrorKind::LibraryMismatch { detail })
}

/// A pipeline of the [`verify_commands`] of `scripts`, every reply kept.
pub(crate) fn load_pipeline(scripts: &[&'static ScriptMeta]) -> Pipeline {
    let mut pipeline = redis::pipe();
    pipeline.ignore_errors();
    for meta in scripts {
        for cmd in verify_commands(meta) {
            pipeline.add_command(cmd);
        }
    }
    pipeline
}

/// Matches the replies of a [`load_pipeline`] to its scripts; fails with the first
/// script, in order, that did not load (or whose library differs on the server).
pub(crate) fn check_all_loaded(
    scripts: &[&'static ScriptMeta],
    replies: RedisResult<Value>,
) -> Result<(), Error> {
    let Some(&first) = scripts.first() else {
        return Ok(());
    };
    let replies = match replies {
        Ok(Value::Array(values)) => values,
        Ok(other) => vec![other],
        Err(error) => return Err(Error::from_redis(first, error)),
    };
    let mut replies = replies.into_iter().map(Ok);
    for &meta in scripts {
        check_verified(meta, &mut replies)?;
    }
    Ok(())
}

/// Whether a reply says the server lacks the code, so the call did not run: Redis's
/// `NOSCRIPT` for a script, "Function not found" for a function. (A script cannot send
/// these itself: the macro refuses it, see [`RESERVED_ERROR_CODES`](crate::RESERVED_ERROR_CODES)
/// and [`RESERVED_ERR_MESSAGES`](crate::RESERVED_ERR_MESSAGES).)
pub(crate) fn is_missing(reply: &RedisResult<Value>) -> bool {
    crate::error::is_refusal(reply, "NOSCRIPT", "No matching script")
        || crate::error::is_refusal(reply, "ERR", "Function not found")
}

/// Every bound script and library, in registry order.
fn everything() -> Vec<&'static ScriptMeta> {
    let mut all = scripts();
    all.extend(libraries());
    all
}

/// Loads every bound script ([`scripts`]) and library ([`libraries`]) on the server
/// behind `con` in one round trip (a pipeline of `SCRIPT LOAD`s, `FUNCTION LOAD`s without
/// `REPLACE` each followed by a `FUNCTION LIST` to compare the code, and `INFO server`),
/// and returns them, so callers can report name → SHA1.
///
/// A library the server has in another version is not replaced: `load_all` fails with
/// [`ErrorKind::LibraryMismatch`], so a process never starts calling a body other than
/// the one compiled in without knowing it. Roll out a new version with
/// `YourLibrary::LIBRARY.load(&mut con)` (`FUNCTION LOAD REPLACE`).
///
/// It also checks that the server runs what each script was checked for at compile time
/// ([`ScriptMeta::target`]): a script checked for `redis-8.0` on a Redis 7.0 server fails
/// here with [`ErrorKind::Target`], before any call meets "Unknown command" in
/// production. (Calls do not check this themselves: that would cost every call.)
///
/// On a connection that does not pipeline, such as a sync Redis Cluster connection, the
/// commands are sent one at a time, without the server check; the cluster client sends a
/// `SCRIPT LOAD` to every node and a `FUNCTION LOAD` to every primary, but reads a
/// library's code back from one node only: on a cluster use [`load_all_cluster`] (or
/// [`load_all_cluster_async`]), which compares it on every primary.
///
/// Fails with the first script or library, in that order, that the server refused (for
/// example one Redis cannot compile), has in another version or does not run, or on a
/// connection error.
pub fn load_all(con: &mut dyn ConnectionLike) -> Result<Vec<&'static ScriptMeta>, Error> {
    let all = everything();
    if all.is_empty() {
        return Ok(all);
    }
    if !con.supports_pipelining() {
        for &meta in &all {
            let mut replies = verify_commands(meta)
                .into_iter()
                .map(|cmd| per_node(con.req_command(&cmd)));
            for_each_node(meta, &mut replies)?;
        }
        return Ok(all);
    }
    let replies = load_and_describe(&all).query::<Value>(con);
    check_loaded_on_server(&all, replies)?;
    Ok(all)
}

/// The replies to one command sent to every node of a cluster (a map of node to reply),
/// or the one reply of a single server.
fn per_node(reply: RedisResult<Value>) -> Vec<(Option<String>, RedisResult<Value>)> {
    match reply {
        Ok(Value::Map(nodes)) => nodes
            .into_iter()
            .map(|(node, reply)| {
                let node = text(&node).map(|n| String::from_utf8_lossy(n).into_owned());
                (node, Ok(reply))
            })
            .collect(),
        other => vec![(None, other)],
    }
}

/// Checks the replies of `meta`'s verify commands, each a list of per-node replies (in
/// any order: they are matched by node); an error names the node it came from.
fn for_each_node(
    meta: &'static ScriptMeta,
    replies: &mut impl Iterator<Item = Vec<(Option<String>, RedisResult<Value>)>>,
) -> Result<(), Error> {
    let commands: Vec<_> = replies.collect();
    let nodes: Vec<Option<String>> = commands
        .first()
        .map(|first| first.iter().map(|(node, _)| node.clone()).collect())
        .unwrap_or_default();
    for node in nodes {
        let mut replies = commands.iter().map(|per_node| {
            per_node
                .iter()
                .find(|(name, _)| *name == node)
                .map_or(Ok(Value::Nil), |(_, reply)| reply.clone())
        });
        check_verified(meta, &mut replies).map_err(|error| match &node {
            Some(name) => error.on_node(name.clone()),
            None => error,
        })?;
    }
    Ok(())
}

/// The verify commands of `all`, then `INFO server`.
fn load_and_describe(all: &[&'static ScriptMeta]) -> Pipeline {
    let mut pipeline = load_pipeline(all);
    pipeline.add_command(redis::cmd("INFO").arg("server").to_owned());
    pipeline
}

/// Reads the replies of [`load_and_describe`]: each script loaded, and the server runs
/// what each was checked for.
fn check_loaded_on_server(
    all: &[&'static ScriptMeta],
    replies: RedisResult<Value>,
) -> Result<(), Error> {
    let mut replies = match replies {
        Ok(Value::Array(values)) => values,
        other => return check_all_loaded(all, other),
    };
    let info = replies.pop();
    check_all_loaded(all, Ok(Value::Array(replies)))?;
    let server = match &info {
        Some(Value::BulkString(bytes)) => crate::server::from_info(&String::from_utf8_lossy(bytes)),
        Some(Value::VerbatimString { text, .. }) => crate::server::from_info(text),
        _ => None,
    };
    let Some(server) = server else {
        return Ok(());
    };
    match all.iter().find(|meta| !server.runs(meta.target())) {
        Some(meta) => Err(Error::new(
            meta,
            ErrorKind::Target {
                target: meta.target(),
                server: server.display,
            },
        )),
        None => Ok(()),
    }
}

/// Async [`load_all`], with the same checks. Not for an async Redis Cluster connection,
/// which would send the whole pipeline to one node: use [`load_all_cluster_async`] there.
#[cfg(feature = "aio")]
#[cfg_attr(docsrs, doc(cfg(feature = "aio")))]
pub async fn load_all_async<C: redis::aio::ConnectionLike>(
    con: &mut C,
) -> Result<Vec<&'static ScriptMeta>, Error> {
    let all = everything();
    if all.is_empty() {
        return Ok(all);
    }
    let replies = bounded(load_and_describe(&all).query_async::<Value>(con)).await;
    check_loaded_on_server(&all, replies)?;
    Ok(all)
}

/// Loads every bound script on every node of a Redis Cluster, primaries and replicas (one
/// `SCRIPT LOAD` per script, which the cluster client sends to all nodes), and every bound
/// library on every primary (`FUNCTION LOAD` without `REPLACE`, then the code compared on
/// each, as [`load_all`] does; replicas get libraries from their primaries). A node that
/// restarts or joins later starts with an empty script cache; invocations load a script
/// or library there by themselves.
///
/// Fails as [`load_all`] does, naming the node for a library, also when a node cannot be
/// reached.
#[cfg(feature = "cluster-async")]
#[cfg_attr(docsrs, doc(cfg(feature = "cluster-async")))]
pub async fn load_all_cluster_async(
    con: &mut redis::cluster_async::ClusterConnection,
) -> Result<Vec<&'static ScriptMeta>, Error> {
    let scripts = scripts();
    for meta in &scripts {
        meta.load_async(con).await?;
    }
    let libraries = libraries();
    for &meta in &libraries {
        let mut replies = Vec::new();
        for cmd in verify_commands(meta) {
            replies.push(per_node(
                bounded(con.route_command(cmd, every_primary())).await,
            ));
        }
        for_each_node(meta, &mut replies.into_iter())?;
    }
    let mut all = scripts;
    all.extend(libraries);
    Ok(all)
}

/// Sync [`load_all_cluster_async`]: every bound script on every node, every bound library
/// on every primary with its code compared on each, a node that differs named.
#[cfg(feature = "cluster")]
#[cfg_attr(docsrs, doc(cfg(feature = "cluster")))]
pub fn load_all_cluster(
    con: &mut redis::cluster::ClusterConnection,
) -> Result<Vec<&'static ScriptMeta>, Error> {
    let scripts = scripts();
    for meta in &scripts {
        meta.load(con)?;
    }
    let libraries = libraries();
    for &meta in &libraries {
        let mut replies = verify_commands(meta)
            .iter()
            .map(|cmd| per_node(con.route_command(cmd, every_primary())))
            .collect::<Vec<_>>()
            .into_iter();
        for_each_node(meta, &mut replies)?;
    }
    let mut all = scripts;
    all.extend(libraries);
    Ok(all)
}

/// Every primary of a cluster, each reply kept apart (a map of node address to reply).
#[cfg(feature = "cluster")]
fn every_primary() -> redis::cluster_routing::RoutingInfo {
    use redis::cluster_routing::{MultipleNodeRoutingInfo, ResponsePolicy, RoutingInfo};
    RoutingInfo::MultiNode((
        MultipleNodeRoutingInfo::AllMasters,
        Some(ResponsePolicy::Special),
    ))
}

/// What loading a library on one node of a cluster came to.
#[cfg(feature = "cluster")]
#[derive(Debug)]
pub struct NodeLoad {
    /// The node's address, `host:port`.
    pub node: String,
    /// Whether it took the library.
    pub outcome: Result<(), Error>,
}

#[cfg(feature = "cluster")]
impl ScriptMeta {
    /// [`load`](Self::load) on every primary of a Redis Cluster (replicas get a library
    /// from their primary), with one report per node: a node that refused (another
    /// version's function names, code it cannot compile...) is named in its report, and
    /// the others are still loaded. For a script, use [`load`](Self::load): the cluster
    /// client sends `SCRIPT LOAD` to every node by itself.
    ///
    /// # Errors
    ///
    /// When a primary cannot be reached: redis-rs's cluster client then reports the
    /// connection error for the whole request, without the node (the others may have
    /// loaded the library).
    #[cfg_attr(docsrs, doc(cfg(feature = "cluster")))]
    pub fn load_cluster(
        &'static self,
        con: &mut redis::cluster::ClusterConnection,
    ) -> Result<Vec<NodeLoad>, Error> {
        let reply = con.route_command(&load_command(self), every_primary());
        self.node_loads(reply)
    }

    /// Async [`load_cluster`](Self::load_cluster).
    #[cfg(feature = "cluster-async")]
    #[cfg_attr(docsrs, doc(cfg(feature = "cluster-async")))]
    pub async fn load_cluster_async(
        &'static self,
        con: &mut redis::cluster_async::ClusterConnection,
    ) -> Result<Vec<NodeLoad>, Error> {
        let reply = bounded(con.route_command(load_command(self), every_primary())).await;
        self.node_loads(reply)
    }

    /// One report per node of a reply to a command sent to every primary.
    fn node_loads(&'static self, reply: RedisResult<Value>) -> Result<Vec<NodeLoad>, Error> {
        let reply = reply.map_err(|error| Error::new(self, ErrorKind::Load(error)))?;
        Ok(per_node(Ok(reply))
            .into_iter()
            .map(|(node, reply)| NodeLoad {
                node: node.unwrap_or_default(),
                outcome: check_loaded(self, reply).map(drop),
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meta::{test_function, test_library};

    static LIBRARY: ScriptMeta = test_library("#!lua name=counters\n");
    static ADD: ScriptMeta = test_function(&LIBRARY, "add", false);

    fn refusal(text: &str) -> RedisResult<Value> {
        Ok(redis::parse_redis_value(format!("-{text}\r\n").as_bytes()).unwrap())
    }

    fn listed(code: &str) -> RedisResult<Value> {
        let bulk = |text: &str| Value::BulkString(text.as_bytes().to_vec());
        Ok(Value::Array(vec![Value::Array(vec![
            bulk("library_name"),
            bulk("counters"),
            bulk("library_code"),
            bulk(code),
        ])]))
    }

    #[test]
    fn libraries_load_with_replace_and_functions_without() {
        let words = |cmd: Cmd| -> Vec<String> {
            cmd.args_iter()
                .map(|arg| match arg {
                    redis::Arg::Simple(bytes) => String::from_utf8_lossy(bytes).into_owned(),
                    _ => String::new(),
                })
                .collect()
        };
        assert_eq!(
            words(load_command(&LIBRARY)),
            ["FUNCTION", "LOAD", "REPLACE", "#!lua name=counters\n"]
        );
        assert_eq!(
            words(load_command(&ADD)),
            ["FUNCTION", "LOAD", "#!lua name=counters\n"]
        );
    }

    #[test]
    fn a_library_already_there_is_fine_for_a_call_and_compared_for_a_check() {
        let present = || refusal("ERR Library 'counters' already exists");
        assert_eq!(check_loaded(&ADD, present()).unwrap(), Loaded::AlreadyThere);
        assert!(matches!(
            check_loaded(&LIBRARY, present()).unwrap_err().kind(),
            ErrorKind::Load(_)
        ));
        let mut same = [present(), listed("#!lua name=counters\n")].into_iter();
        check_verified(&ADD, &mut same).unwrap();
        let mut other = [present(), listed("#!lua name=counters\n-- v2\n")].into_iter();
        let error = check_verified(&ADD, &mut other).unwrap_err();
        assert!(
            matches!(error.kind(), ErrorKind::LibraryMismatch { .. }),
            "{error}"
        );
        let mut fresh = [
            Ok(Value::BulkString(b"counters".to_vec())),
            listed("#!lua name=counters\n"),
        ]
        .into_iter();
        check_verified(&LIBRARY, &mut fresh).unwrap();
    }

    #[test]
    fn compile_errors_of_a_library_keep_their_line() {
        let error = check_loaded(
            &ADD,
            refusal("ERR Error compiling function: user_function:2: '<name>' expected near '='"),
        )
        .unwrap_err();
        assert!(
            matches!(error.kind(), ErrorKind::Compile { line: Some(2), .. }),
            "{error:?}"
        );
        let error = check_loaded(
            &LIBRARY,
            refusal("ERR Error registering functions: ERR user_function:3: Script attempted to access nonexistent global variable 'string'"),
        )
        .unwrap_err();
        assert!(
            matches!(error.kind(), ErrorKind::Compile { line: Some(3), .. }),
            "{error:?}"
        );
    }

    #[test]
    fn function_not_found_means_not_run() {
        assert!(is_missing(&refusal("ERR Function not found")));
        assert!(is_missing(&refusal(
            "NOSCRIPT No matching script. Please use EVAL."
        )));
        assert!(!is_missing(&refusal("ERR Function zz already exists")));
    }
}
