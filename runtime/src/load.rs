//! The one owner of `SCRIPT LOAD`: loading a script ahead of time, loading every bound
//! script, the loads a batch sends, and reading their replies.

use redis::{Cmd, ConnectionLike, Pipeline, RedisError, RedisResult, Value};

use crate::error::{Error, ErrorKind};
use crate::meta::ScriptMeta;
use crate::registry::scripts;

impl ScriptMeta {
    /// `SCRIPT LOAD`s the script on the server behind `con`.
    ///
    /// Invocations load the script on their own when the server lacks it, so this is only
    /// needed to fail early (a script Redis cannot compile) or to warm a fresh server.
    pub fn load<C: ConnectionLike + ?Sized>(&'static self, con: &mut C) -> Result<(), Error> {
        check_loaded(self, con.req_command(&load_command(self)))
    }

    /// Async [`load`](Self::load).
    #[cfg(feature = "aio")]
    #[cfg_attr(docsrs, doc(cfg(feature = "aio")))]
    pub async fn load_async<C: redis::aio::ConnectionLike>(
        &'static self,
        con: &mut C,
    ) -> Result<(), Error> {
        let reply = con.req_packed_command(&load_command(self)).await;
        check_loaded(self, reply)
    }
}

/// `SCRIPT LOAD <source>` of `meta`.
pub(crate) fn load_command(meta: &ScriptMeta) -> Cmd {
    let mut cmd = redis::cmd("SCRIPT");
    cmd.arg("LOAD").arg(meta.source());
    cmd
}

/// A pipeline of the `SCRIPT LOAD`s of `scripts`, every reply kept.
pub(crate) fn load_pipeline(scripts: &[&'static ScriptMeta]) -> Pipeline {
    let mut pipeline = redis::pipe();
    pipeline.ignore_errors();
    for meta in scripts {
        pipeline.add_command(load_command(meta));
    }
    pipeline
}

/// Checks the reply of `SCRIPT LOAD`: an error, or a SHA1 other than the script's (which
/// would mean the bytes were changed on the way).
pub(crate) fn check_loaded(
    meta: &'static ScriptMeta,
    reply: RedisResult<Value>,
) -> Result<(), Error> {
    match reply.and_then(Value::extract_error) {
        Ok(Value::BulkString(sha)) if sha == meta.sha1().as_bytes() => Ok(()),
        Ok(other) => {
            let detail = format!(
                "SCRIPT LOAD answered {} instead of {}",
                crate::reply::describe(&other),
                meta.sha1()
            );
            let error = RedisError::from((
                redis::ErrorKind::UnexpectedReturnType,
                "unexpected SCRIPT LOAD reply",
                detail,
            ));
            Err(Error::new(meta, ErrorKind::Load(error)))
        }
        Err(error) => match Error::from_redis(meta, error).into_kind() {
            ErrorKind::Connection(error) => Err(Error::new(meta, ErrorKind::Load(error))),
            kind => Err(Error::new(meta, kind)),
        },
    }
}

/// Matches each reply of a [`load_pipeline`] to its script; fails with the first script,
/// in order, that did not load.
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
    for (&meta, reply) in scripts.iter().zip(replies) {
        check_loaded(meta, Ok(reply))?;
    }
    Ok(())
}

/// Whether a reply is Redis's own `NOSCRIPT`: the server does not have the script, so it
/// did not run. (A script cannot send an error with that code itself: the macro refuses
/// it, see [`RESERVED_ERROR_CODES`](crate::RESERVED_ERROR_CODES); and the message tells
/// them apart too.)
pub(crate) fn is_noscript(reply: &RedisResult<Value>) -> bool {
    crate::error::is_refusal(reply, "NOSCRIPT", "No matching script")
}

/// Loads every bound script ([`scripts`]) on the server behind `con` in one round trip
/// (a pipeline of `SCRIPT LOAD`s, and `INFO server`) and returns them, so callers can
/// report name → SHA1.
///
/// It also checks that the server runs what each script was checked for at compile time
/// ([`ScriptMeta::target`]): a script checked for `redis-8.0` on a Redis 7.0 server fails
/// here with [`ErrorKind::Target`], before any call meets "Unknown command" in
/// production. (Calls do not check this themselves: that would cost every call.)
///
/// On a connection that does not pipeline, such as a sync Redis Cluster connection, the
/// scripts are loaded one `SCRIPT LOAD` at a time, without the server check; the cluster
/// client sends each to every node, primaries and replicas.
///
/// Fails with the first script, in [`scripts`] order, that the server refused (for
/// example one Redis cannot compile) or does not run, or on a connection error.
pub fn load_all(con: &mut dyn ConnectionLike) -> Result<Vec<&'static ScriptMeta>, Error> {
    let scripts = scripts();
    if scripts.is_empty() {
        return Ok(scripts);
    }
    if !con.supports_pipelining() {
        for meta in &scripts {
            meta.load(con)?;
        }
        return Ok(scripts);
    }
    let replies = load_and_describe(&scripts).query::<Value>(con);
    check_loaded_on_server(&scripts, replies)?;
    Ok(scripts)
}

/// The `SCRIPT LOAD`s of `scripts`, then `INFO server`.
fn load_and_describe(scripts: &[&'static ScriptMeta]) -> Pipeline {
    let mut pipeline = load_pipeline(scripts);
    pipeline.add_command(redis::cmd("INFO").arg("server").to_owned());
    pipeline
}

/// Reads the replies of [`load_and_describe`]: each script loaded, and the server runs
/// what each was checked for.
fn check_loaded_on_server(
    scripts: &[&'static ScriptMeta],
    replies: RedisResult<Value>,
) -> Result<(), Error> {
    let mut replies = match replies {
        Ok(Value::Array(values)) => values,
        other => return check_all_loaded(scripts, other),
    };
    let info = replies.pop();
    check_all_loaded(scripts, Ok(Value::Array(replies)))?;
    let server = match &info {
        Some(Value::BulkString(bytes)) => crate::server::from_info(&String::from_utf8_lossy(bytes)),
        Some(Value::VerbatimString { text, .. }) => crate::server::from_info(text),
        _ => None,
    };
    let Some(server) = server else {
        return Ok(());
    };
    match scripts.iter().find(|meta| !server.runs(meta.target())) {
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

/// Async [`load_all`], with the same server check. Not for an async Redis Cluster connection, which would send the
/// whole pipeline to one node: use [`load_all_cluster_async`] there.
#[cfg(feature = "aio")]
#[cfg_attr(docsrs, doc(cfg(feature = "aio")))]
pub async fn load_all_async<C: redis::aio::ConnectionLike>(
    con: &mut C,
) -> Result<Vec<&'static ScriptMeta>, Error> {
    let scripts = scripts();
    if scripts.is_empty() {
        return Ok(scripts);
    }
    let replies = load_and_describe(&scripts).query_async::<Value>(con).await;
    check_loaded_on_server(&scripts, replies)?;
    Ok(scripts)
}

/// Loads every bound script on every node of a Redis Cluster, primaries and replicas: one
/// `SCRIPT LOAD` per script, which the cluster client sends to all nodes. A node that
/// restarts or joins later starts with an empty script cache; invocations load a script
/// there by themselves.
///
/// Fails as [`load_all`] does, also when a node cannot be reached.
#[cfg(feature = "cluster-async")]
#[cfg_attr(docsrs, doc(cfg(feature = "cluster-async")))]
pub async fn load_all_cluster_async(
    con: &mut redis::cluster_async::ClusterConnection,
) -> Result<Vec<&'static ScriptMeta>, Error> {
    let scripts = scripts();
    for meta in &scripts {
        meta.load_async(con).await?;
    }
    Ok(scripts)
}
