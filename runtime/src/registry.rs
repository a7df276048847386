//! Every script bound with `#[redis_script]` in the program, and loading them all at once.
//!
//! Each bound struct registers its [`ScriptMeta`] at link time (with the `inventory` crate),
//! so the list is complete without anyone maintaining it: the seed article's
//! `load_scripts(redis_client)`, typed.

use redis::{ConnectionLike, Pipeline, RedisResult, Value};

use crate::error::Error;
use crate::meta::ScriptMeta;

/// A bound script's entry in the registry; made by the generated code.
#[doc(hidden)]
#[derive(Debug)]
pub struct Registration(&'static ScriptMeta);

impl Registration {
    /// Registers `meta`.
    pub const fn new(meta: &'static ScriptMeta) -> Self {
        Self(meta)
    }
}

inventory::collect!(Registration);

/// Every script bound with `#[redis_script]` in this program, sorted by path then name.
///
/// A file bound by several structs appears once per struct.
pub fn scripts() -> Vec<&'static ScriptMeta> {
    let mut all: Vec<&'static ScriptMeta> = inventory::iter::<Registration>
        .into_iter()
        .map(|registration| registration.0)
        .collect();
    all.sort_by_key(|meta| (meta.path(), meta.name()));
    all
}

/// Loads every bound script ([`scripts`]) on the server behind `con` in one round trip
/// (a pipeline of `SCRIPT LOAD`s) and returns them, so callers can report name → SHA1.
///
/// On a connection that does not pipeline, such as a sync Redis Cluster connection, the
/// scripts are loaded one `SCRIPT LOAD` at a time; the cluster client sends each to every
/// node, primaries and replicas.
///
/// Fails with the first script, in [`scripts`] order, that the server refused (for
/// example one Redis cannot compile), or on a connection error.
pub fn load_all(con: &mut dyn ConnectionLike) -> Result<Vec<&'static ScriptMeta>, Error> {
    let (scripts, pipeline) = load_pipeline();
    if scripts.is_empty() {
        return Ok(scripts);
    }
    if !con.supports_pipelining() {
        for meta in &scripts {
            meta.load(con)?;
        }
        return Ok(scripts);
    }
    let replies = pipeline.query::<Vec<Value>>(con);
    check_loads(&scripts, replies)?;
    Ok(scripts)
}

/// Async [`load_all`]. Not for an async Redis Cluster connection, which would send the
/// whole pipeline to one node: use [`load_all_cluster_async`] there.
#[cfg(feature = "aio")]
pub async fn load_all_async<C: redis::aio::ConnectionLike>(
    con: &mut C,
) -> Result<Vec<&'static ScriptMeta>, Error> {
    let (scripts, pipeline) = load_pipeline();
    if scripts.is_empty() {
        return Ok(scripts);
    }
    let replies = pipeline.query_async::<Vec<Value>>(con).await;
    check_loads(&scripts, replies)?;
    Ok(scripts)
}

/// Loads every bound script on every node of a Redis Cluster, primaries and replicas: one
/// `SCRIPT LOAD` per script, which the cluster client sends to all nodes. A node that
/// restarts or joins later starts with an empty script cache; invocations load a script
/// there by themselves.
///
/// Fails as [`load_all`] does, also when a node cannot be reached.
#[cfg(feature = "cluster-async")]
pub async fn load_all_cluster_async(
    con: &mut redis::cluster_async::ClusterConnection,
) -> Result<Vec<&'static ScriptMeta>, Error> {
    let scripts = scripts();
    for meta in &scripts {
        meta.load_async(con).await?;
    }
    Ok(scripts)
}

fn load_pipeline() -> (Vec<&'static ScriptMeta>, Pipeline) {
    let scripts = scripts();
    let mut pipeline = redis::pipe();
    pipeline.ignore_errors();
    for meta in &scripts {
        pipeline.add_command(meta.load_command());
    }
    (scripts, pipeline)
}

/// Matches each `SCRIPT LOAD` reply to its script (`scripts` is not empty).
fn check_loads(
    scripts: &[&'static ScriptMeta],
    replies: RedisResult<Vec<Value>>,
) -> Result<(), Error> {
    let replies = replies.map_err(|error| Error::from_redis(scripts[0], error))?;
    for (meta, reply) in scripts.iter().zip(replies) {
        meta.check_loaded(Ok(reply))?;
    }
    Ok(())
}
