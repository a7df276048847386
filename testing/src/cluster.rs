//! A throwaway Redis Cluster on loopback (features `testing` and `cluster`).

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::server::{RedisServer, server_binary};

/// How long a new cluster may take to agree on its slots and sync its replicas, and a
/// failover to complete.
const CLUSTER_TIMEOUT: Duration = Duration::from_secs(60);

/// How long a node waits for another before it counts it as failing (`cluster-node-timeout`).
const NODE_TIMEOUT_MS: &str = "5000";

/// A running Redis Cluster of throwaway [`RedisServer`]s on loopback, each with its own
/// folder and free ports; every node is stopped when the value is dropped, also when the
/// test panics.
///
/// [`start`](Self::start) makes 3 primaries with one replica each: `redis-server
/// --cluster-enabled yes` six times, `redis-cli --cluster create ... --cluster-replicas 1
/// --cluster-yes`, then a wait until every node agrees on the slots and every replica is
/// in sync. `redis-cli` is taken from `$REDIS_CLI_BIN`, else from the folder of the
/// server binary, else from `PATH` (Debian's `redis-server` package brings it).
///
/// ```no_run
/// use redis_script_testing::RedisCluster;
///
/// let cluster = RedisCluster::start();
/// let mut con = cluster.connection();
/// let () = redis::cmd("SET").arg("{user1}:name").arg("Ada").query(&mut con).unwrap();
///
/// // The key lives on the primary that serves the slot of its hash tag.
/// let owner = cluster.primary_for_key(b"{user1}:name");
/// let name: String = redis::cmd("GET").arg("{user1}:name").query(&mut owner.connection()).unwrap();
/// assert_eq!(name, "Ada");
/// ```
#[derive(Debug)]
pub struct RedisCluster {
    nodes: Vec<RedisServer>,
    started_in: Duration,
}

/// One node as the cluster describes it (`CLUSTER NODES`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterNode {
    /// The node's id.
    pub id: String,
    /// Its client port on 127.0.0.1.
    pub port: u16,
    /// Whether it is a primary (else a replica).
    pub primary: bool,
    /// The id of its primary, for a replica.
    pub primary_id: Option<String>,
    /// The slot ranges it serves (inclusive), for a primary.
    pub slots: Vec<(u16, u16)>,
    /// Whether the cluster flags it as failing (`fail` or `fail?`).
    pub failing: bool,
}

impl RedisCluster {
    /// Starts 3 primaries with one replica each and waits until the cluster is ready.
    ///
    /// # Panics
    ///
    /// When a server or `redis-cli` cannot be found or started, or the cluster does not
    /// become ready in time; the message says why.
    pub fn start() -> Self {
        Self::start_with(3, 1)
    }

    /// Starts `primaries` primaries (at least 3, as `redis-cli --cluster create` requires)
    /// with `replicas_per_primary` replicas each, and waits until the cluster is ready.
    ///
    /// # Panics
    ///
    /// As [`start`](Self::start); also for fewer than 3 primaries.
    pub fn start_with(primaries: usize, replicas_per_primary: usize) -> Self {
        assert!(primaries >= 3, "a Redis Cluster needs at least 3 primaries");
        let started = Instant::now();
        let binary = server_binary();
        let count = primaries * (1 + replicas_per_primary);
        let nodes: Vec<RedisServer> = (0..count)
            .map(|_| RedisServer::start_binary(&binary, NODE_CONFIG, true))
            .collect();
        let addresses: Vec<String> = nodes
            .iter()
            .map(|node| format!("127.0.0.1:{}", node.port()))
            .collect();
        let cli = cli_binary();
        let output = Command::new(&cli)
            .args(["--cluster", "create"])
            .args(&addresses)
            .args(["--cluster-replicas", &replicas_per_primary.to_string()])
            .arg("--cluster-yes")
            .output()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot run `{}` to create the cluster: {e}. It comes with Redis \
                     (Debian/Ubuntu: `apt-get install -y redis-server`); or set REDIS_CLI_BIN",
                    cli.display()
                )
            });
        assert!(
            output.status.success(),
            "`redis-cli --cluster create` failed ({}):\n{}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        let mut cluster = Self {
            nodes,
            started_in: Duration::ZERO,
        };
        cluster.wait_until_ready();
        cluster.started_in = started.elapsed();
        cluster
    }

    /// How long [`start`](Self::start) took, from the first `redis-server` to a ready
    /// cluster.
    pub fn started_in(&self) -> Duration {
        self.started_in
    }

    /// Every node, in the order they were started (roles change with failovers: see
    /// [`primaries`](Self::primaries) and [`replicas`](Self::replicas)).
    pub fn nodes(&self) -> &[RedisServer] {
        &self.nodes
    }

    /// `redis://127.0.0.1:<port>/` of every node.
    pub fn urls(&self) -> Vec<String> {
        self.nodes.iter().map(RedisServer::url).collect()
    }

    /// The cluster as the first node that answers describes it.
    ///
    /// # Panics
    ///
    /// When no node answers `CLUSTER NODES`.
    pub fn topology(&self) -> Vec<ClusterNode> {
        self.nodes
            .iter()
            .find_map(|node| topology_seen_by(node).ok())
            .expect("no node of the cluster answers CLUSTER NODES")
    }

    /// The nodes that are primaries now.
    pub fn primaries(&self) -> Vec<&RedisServer> {
        self.with_role(true)
    }

    /// The nodes that are replicas now.
    pub fn replicas(&self) -> Vec<&RedisServer> {
        self.with_role(false)
    }

    fn with_role(&self, primary: bool) -> Vec<&RedisServer> {
        let topology = self.topology();
        self.nodes
            .iter()
            .filter(|node| {
                topology
                    .iter()
                    .any(|n| n.port == node.port() && n.primary == primary)
            })
            .collect()
    }

    /// The primary that serves the slot of `key` now.
    ///
    /// # Panics
    ///
    /// When no node serves that slot.
    pub fn primary_for_key(&self, key: &[u8]) -> &RedisServer {
        let slot = self.key_slot(key);
        let topology = self.topology();
        let owner = topology
            .iter()
            .find(|n| n.primary && n.slots.iter().any(|&(a, b)| (a..=b).contains(&slot)))
            .unwrap_or_else(|| panic!("no primary serves slot {slot}"));
        self.node(owner.port)
    }

    /// The hash slot of `key`, as the cluster computes it (`CLUSTER KEYSLOT`).
    ///
    /// # Panics
    ///
    /// When no node answers.
    pub fn key_slot(&self, key: &[u8]) -> u16 {
        self.nodes
            .iter()
            .find_map(|node| {
                redis::cmd("CLUSTER")
                    .arg("KEYSLOT")
                    .arg(key)
                    .query(&mut node.client().get_connection().ok()?)
                    .ok()
            })
            .expect("no node of the cluster answers CLUSTER KEYSLOT")
    }

    /// The replicas of `primary` now.
    pub fn replicas_of(&self, primary: &RedisServer) -> Vec<&RedisServer> {
        let topology = self.topology();
        let Some(id) = topology
            .iter()
            .find(|n| n.port == primary.port())
            .map(|n| n.id.clone())
        else {
            return Vec::new();
        };
        topology
            .iter()
            .filter(|n| n.primary_id.as_deref() == Some(id.as_str()))
            .map(|n| self.node(n.port))
            .collect()
    }

    fn node(&self, port: u16) -> &RedisServer {
        self.nodes
            .iter()
            .find(|node| node.port() == port)
            .unwrap_or_else(|| panic!("the cluster names a node on port {port} it did not start"))
    }

    /// Promotes `replica` with `CLUSTER FAILOVER` (its primary hands over its slots after
    /// the replica has caught up, so no acknowledged write is lost) and waits until every
    /// node agrees on the new roles.
    ///
    /// # Panics
    ///
    /// When `replica` refuses or the cluster does not settle in time.
    pub fn failover(&self, replica: &RedisServer) {
        /// A manual failover the primary did not answer in time (a loaded machine) is
        /// abandoned by the replica; it is then asked again after this long.
        const ATTEMPT: Duration = Duration::from_secs(10);
        let deadline = Instant::now() + CLUSTER_TIMEOUT;
        let mut last_attempt: Option<Instant> = None;
        loop {
            let promoted = topology_seen_by(replica)
                .is_ok_and(|t| t.iter().any(|n| n.port == replica.port() && n.primary));
            if !promoted && last_attempt.is_none_or(|at| at.elapsed() >= ATTEMPT) {
                let asked: redis::RedisResult<()> = redis::cmd("CLUSTER")
                    .arg("FAILOVER")
                    .query(&mut replica.connection());
                // A later request may find the replica promoted meanwhile: it then refuses.
                if let (Err(error), None) = (asked, last_attempt) {
                    panic!("CLUSTER FAILOVER on port {}: {error}", replica.port());
                }
                last_attempt = Some(Instant::now());
            }
            if promoted && self.readiness().is_ok() {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the failover to port {} did not complete in {CLUSTER_TIMEOUT:?}",
                replica.port()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Moves `slot` to the primary `to` while the cluster keeps serving it, as `redis-cli
    /// --cluster reshard` does: the target is marked `IMPORTING` and the owner
    /// `MIGRATING`, the slot's keys go over one `MIGRATE` at a time with `pause` after
    /// each (so calls made meanwhile meet `ASK` for keys already moved, and `TRYAGAIN`
    /// when a call's keys are split between the two nodes), then every primary is told
    /// the new owner and the call waits until all nodes agree. Moving a slot to its owner
    /// does nothing.
    ///
    /// # Panics
    ///
    /// When `to` is not a primary of this cluster, or a step is refused.
    pub fn move_slot(&self, slot: u16, to: &RedisServer, pause: Duration) {
        let topology = self.topology();
        let id_of = |port: u16| {
            topology
                .iter()
                .find(|n| n.port == port && n.primary)
                .map(|n| n.id.clone())
                .unwrap_or_else(|| panic!("port {port} is not a primary of the cluster"))
        };
        let target_id = id_of(to.port());
        let source = topology
            .iter()
            .find(|n| n.primary && n.slots.iter().any(|&(a, b)| (a..=b).contains(&slot)))
            .unwrap_or_else(|| panic!("no primary serves slot {slot}"));
        if source.port == to.port() {
            return;
        }
        let source_id = source.id.clone();
        let source = self.node(source.port);
        let setslot = |node: &RedisServer, args: &[&str]| {
            let () = redis::cmd("CLUSTER")
                .arg("SETSLOT")
                .arg(slot)
                .arg(args)
                .query(&mut node.connection())
                .unwrap_or_else(|e| {
                    panic!(
                        "CLUSTER SETSLOT {slot} {args:?} on port {}: {e}",
                        node.port()
                    )
                });
        };
        setslot(to, &["IMPORTING", &source_id]);
        setslot(source, &["MIGRATING", &target_id]);
        let mut source_con = source.connection();
        loop {
            let keys: Vec<Vec<u8>> = redis::cmd("CLUSTER")
                .arg("GETKEYSINSLOT")
                .arg(slot)
                .arg(1)
                .query(&mut source_con)
                .unwrap_or_else(|e| panic!("CLUSTER GETKEYSINSLOT {slot}: {e}"));
            let Some(key) = keys.first() else {
                break;
            };
            let () = redis::cmd("MIGRATE")
                .arg("127.0.0.1")
                .arg(to.port())
                .arg("")
                .arg(0)
                .arg(5000)
                .arg("KEYS")
                .arg(key)
                .query(&mut source_con)
                .unwrap_or_else(|e| panic!("MIGRATE of a key of slot {slot}: {e}"));
            std::thread::sleep(pause);
        }
        // The target first, then the source, then the others, as redis-cli does.
        setslot(to, &["NODE", &target_id]);
        setslot(source, &["NODE", &target_id]);
        for primary in self.primaries() {
            if primary.port() != to.port() && primary.port() != source.port() {
                setslot(primary, &["NODE", &target_id]);
            }
        }
        self.wait_until_ready();
    }

    /// Waits until every node reports `cluster_state:ok`, all nodes describe the same
    /// roles and slots, and every replica's link to its primary is up.
    ///
    /// # Panics
    ///
    /// When that does not happen within a minute; the message tells what was missing.
    pub fn wait_until_ready(&self) {
        let deadline = Instant::now() + CLUSTER_TIMEOUT;
        loop {
            let Err(missing) = self.readiness() else {
                return;
            };
            assert!(
                Instant::now() < deadline,
                "the cluster was not ready after {CLUSTER_TIMEOUT:?}: {missing}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// `Ok` when the cluster is ready, else what is missing.
    fn readiness(&self) -> Result<(), String> {
        let views = self
            .nodes
            .iter()
            .map(|node| self.ready_view(node))
            .collect::<Result<Vec<_>, _>>()?;
        let first = &views[0];
        if first.len() != self.nodes.len() || first.iter().any(|n| n.failing) {
            return Err(format!("the nodes do not all know each other: {first:?}"));
        }
        match views.iter().find(|view| *view != first) {
            Some(other) => Err(format!("nodes disagree: {first:?} / {other:?}")),
            None => Ok(()),
        }
    }

    /// The cluster as `node` sees it, sorted by port, once `node` is ready: in
    /// `cluster_state:ok`, listing every node in CLUSTER SLOTS, and in sync with its
    /// primary if it is a replica.
    fn ready_view(&self, node: &RedisServer) -> Result<Vec<ClusterNode>, String> {
        let mut con = node.client().get_connection().map_err(|e| e.to_string())?;
        let info: String = redis::cmd("CLUSTER")
            .arg("INFO")
            .query(&mut con)
            .map_err(|e| e.to_string())?;
        if !info.contains("cluster_state:ok") {
            return Err(format!("port {} is not in cluster_state:ok", node.port()));
        }
        let listed = nodes_in_cluster_slots(&mut con)?;
        if listed != self.nodes.len() {
            // Redis lists a replica in CLUSTER SLOTS, where clients learn the topology,
            // only once it has heard of its replication offset.
            return Err(format!(
                "CLUSTER SLOTS on port {} lists {listed} of {} nodes",
                node.port(),
                self.nodes.len()
            ));
        }
        let mut view = topology_on(&mut con, node.port())?;
        view.sort_by_key(|n| n.port);
        let is_replica = view.iter().any(|n| n.port == node.port() && !n.primary);
        if is_replica {
            let replication: String = redis::cmd("INFO")
                .arg("replication")
                .query(&mut con)
                .map_err(|e| e.to_string())?;
            if !replication.contains("master_link_status:up") {
                return Err(format!("replica on port {} is not in sync", node.port()));
            }
        }
        Ok(view)
    }

    /// A client for the cluster, knowing every node.
    pub fn client(&self) -> redis::cluster::ClusterClient {
        redis::cluster::ClusterClient::new(self.urls()).expect("the nodes' URLs are valid")
    }

    /// A new sync cluster connection.
    ///
    /// # Panics
    ///
    /// When the cluster does not accept the connection.
    pub fn connection(&self) -> redis::cluster::ClusterConnection {
        self.client()
            .get_connection()
            .unwrap_or_else(|e| panic!("cannot connect to the test cluster: {e}"))
    }

    /// A new async cluster connection.
    ///
    /// # Panics
    ///
    /// When the cluster does not accept the connection.
    #[cfg(all(feature = "cluster-async", feature = "tokio-comp"))]
    #[cfg_attr(
        docsrs,
        doc(cfg(all(feature = "cluster-async", feature = "tokio-comp")))
    )]
    pub async fn async_connection(&self) -> redis::cluster_async::ClusterConnection {
        self.client()
            .get_async_connection()
            .await
            .unwrap_or_else(|e| panic!("cannot connect to the test cluster: {e}"))
    }
}

/// The configuration every node gets on top of [`RedisServer`]'s.
const NODE_CONFIG: &[&str] = &[
    "--cluster-enabled",
    "yes",
    "--cluster-config-file",
    "nodes.conf",
    "--cluster-node-timeout",
    NODE_TIMEOUT_MS,
    // Replicas sync at once rather than after the default 5 s wait for more of them.
    "--repl-diskless-sync-delay",
    "0",
    // A replica joins CLUSTER SLOTS, where clients learn the topology, once its
    // replication offset moves; the primary's pings move it every second, not every 10.
    "--repl-ping-replica-period",
    "1",
];

/// `CLUSTER NODES` as `node` sees it.
fn topology_seen_by(node: &RedisServer) -> Result<Vec<ClusterNode>, String> {
    let mut con = node
        .client()
        .get_connection()
        .map_err(|e| format!("cannot connect to port {}: {e}", node.port()))?;
    topology_on(&mut con, node.port())
}

/// `CLUSTER NODES` on `con`, a connection to the node on `port`.
fn topology_on(con: &mut redis::Connection, port: u16) -> Result<Vec<ClusterNode>, String> {
    let text: String = redis::cmd("CLUSTER")
        .arg("NODES")
        .query(con)
        .map_err(|e| format!("CLUSTER NODES on port {port}: {e}"))?;
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            parse_node(line).ok_or_else(|| format!("unexpected CLUSTER NODES line: {line}"))
        })
        .collect()
}

/// How many distinct nodes `CLUSTER SLOTS` lists on `con`.
fn nodes_in_cluster_slots(con: &mut redis::Connection) -> Result<usize, String> {
    let ranges: Vec<Vec<redis::Value>> = redis::cmd("CLUSTER")
        .arg("SLOTS")
        .query(con)
        .map_err(|e| e.to_string())?;
    let mut ports: Vec<i64> = ranges
        .iter()
        // Each range: start, end, then one [host, port, id, ...] per node.
        .flat_map(|range| range.iter().skip(2))
        .filter_map(|node| match node {
            redis::Value::Array(fields) => match fields.get(1) {
                Some(redis::Value::Int(port)) => Some(*port),
                _ => None,
            },
            _ => None,
        })
        .collect();
    ports.sort_unstable();
    ports.dedup();
    Ok(ports.len())
}

/// Reads `<id> <ip:port@bus> <flags> <primary> <ping> <pong> <epoch> <link> <slots>...`.
fn parse_node(line: &str) -> Option<ClusterNode> {
    let fields: Vec<&str> = line.split_whitespace().collect();
    let (id, address, flags, primary_id) = (
        fields.first()?,
        fields.get(1)?,
        fields.get(2)?,
        fields.get(3)?,
    );
    let port = address
        .split('@')
        .next()?
        .rsplit(':')
        .next()?
        .parse()
        .ok()?;
    let flags: Vec<&str> = flags.split(',').collect();
    let slots = fields
        .iter()
        .skip(8)
        // Slots being migrated (`[...]`) are not served yet.
        .filter(|range| !range.starts_with('['))
        .map(|range| match range.split_once('-') {
            Some((a, b)) => Some((a.parse().ok()?, b.parse().ok()?)),
            None => range.parse().ok().map(|slot| (slot, slot)),
        })
        .collect::<Option<Vec<_>>>()?;
    Some(ClusterNode {
        id: (*id).to_owned(),
        port,
        primary: flags.contains(&"master"),
        primary_id: (*primary_id != "-").then(|| (*primary_id).to_owned()),
        slots,
        failing: flags.iter().any(|f| *f == "fail" || *f == "fail?"),
    })
}

/// `redis-cli`: `$REDIS_CLI_BIN`, else beside the server binary, else from `PATH`.
fn cli_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("REDIS_CLI_BIN") {
        return crate::server::absolute(path);
    }
    let beside_server = server_binary().with_file_name("redis-cli");
    if beside_server.is_file() {
        return beside_server;
    }
    PathBuf::from("redis-cli")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cluster_nodes_lines() {
        let primary = parse_node(
            "c178d1 127.0.0.1:17001@27001 myself,master - 0 1795827566000 1 connected 0-5460 5462 [5463->-abc]",
        )
        .unwrap();
        assert_eq!(primary.port, 17001);
        assert!(primary.primary && !primary.failing);
        assert_eq!(primary.primary_id, None);
        assert_eq!(primary.slots, [(0, 5460), (5462, 5462)]);

        let replica = parse_node(
            "5a9bc8 127.0.0.1:17004@27004 slave,fail? c178d1 0 1795827566626 1 connected",
        )
        .unwrap();
        assert!(!replica.primary && replica.failing);
        assert_eq!(replica.primary_id.as_deref(), Some("c178d1"));
        assert!(replica.slots.is_empty());
    }
}
