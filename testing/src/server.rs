//! One throwaway `redis-server` process: started on a free port in a fresh folder, stopped
//! and removed when dropped.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use std::{env, fs, io};

/// How long a server may take to answer `PING` after it was started.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(20);

/// Where the server's stdout and stderr go, in its folder.
const CONSOLE_FILE: &str = "console.log";

/// How many ports to try when another process takes the chosen one first.
const PORT_ATTEMPTS: usize = 5;

/// A running `redis-server`, stopped when dropped.
#[derive(Debug)]
pub struct RedisServer {
    process: Child,
    port: u16,
    dir: PathBuf,
    binary: PathBuf,
    config: Vec<String>,
}

impl RedisServer {
    /// Starts a server with the default test configuration: loopback only, no persistence.
    ///
    /// # Panics
    ///
    /// When `redis-server` cannot be found or does not start; the message says why.
    pub fn start() -> Self {
        Self::start_with(&[])
    }

    /// Starts a server with extra configuration, given as command-line arguments:
    /// `&["--busy-reply-threshold", "100"]`.
    ///
    /// # Panics
    ///
    /// When `redis-server` cannot be found or does not start; the message says why.
    pub fn start_with(config: &[&str]) -> Self {
        Self::start_binary(&server_binary(), config, false)
    }

    /// Starts the server binary `binary` (rather than the one `REDIS_SERVER_BIN` or `PATH`
    /// names) with extra configuration: to run a test against several servers at once.
    ///
    /// # Panics
    ///
    /// When the binary cannot be run or the server does not start; the message says why.
    pub fn start_from(binary: &Path, config: &[&str]) -> Self {
        Self::start_binary(binary, config, false)
    }

    /// Starts a server; with `cluster_bus`, also gives it a free cluster bus port
    /// (`--cluster-port`), chosen again with the client port on each attempt.
    pub(crate) fn start_binary(binary: &Path, config: &[&str], cluster_bus: bool) -> Self {
        let dir = fresh_dir();
        let mut last_log = String::new();
        for _ in 0..PORT_ATTEMPTS {
            let port = free_port();
            let mut config: Vec<String> = config.iter().map(|s| (*s).to_owned()).collect();
            if cluster_bus {
                config.extend(["--cluster-port".to_owned(), free_port().to_string()]);
            }
            let config_refs: Vec<&str> = config.iter().map(String::as_str).collect();
            let mut process = spawn(binary, &dir, port, &config_refs);
            match wait_until_ready(&mut process, port) {
                Ok(()) => {
                    return Self {
                        process,
                        port,
                        dir,
                        binary: binary.to_path_buf(),
                        config,
                    };
                }
                Err(log_hint) => {
                    let _ = process.kill();
                    let _ = process.wait();
                    last_log = format!(
                        "{log_hint}\n{}{}",
                        read_log(&dir).unwrap_or_default(),
                        read_console(&dir)
                    );
                    if !last_log.contains("Address already in use") {
                        break;
                    }
                }
            }
        }
        let _ = fs::remove_dir_all(&dir);
        panic!("redis-server did not start; its log says:\n{last_log}");
    }

    /// Starts a server that replicates `primary` (`--replicaof`), and waits until the
    /// replication link is up.
    ///
    /// # Panics
    ///
    /// When the replica does not start or does not connect to the primary in time.
    pub fn start_replica_of(primary: &RedisServer) -> Self {
        // The primary would otherwise wait 5 s for more replicas before a diskless sync.
        let _: redis::RedisResult<()> = redis::cmd("CONFIG")
            .arg(&["SET", "repl-diskless-sync-delay", "0"])
            .query(&mut primary.connection());
        let port = primary.port().to_string();
        let replica = Self::start_with(&["--replicaof", "127.0.0.1", &port]);
        let mut con = replica.connection();
        let deadline = Instant::now() + STARTUP_TIMEOUT;
        loop {
            let info: String = redis::cmd("INFO")
                .arg("replication")
                .query(&mut con)
                .unwrap_or_default();
            if info.contains("master_link_status:up") {
                return replica;
            }
            assert!(
                Instant::now() < deadline,
                "the replica did not connect to its primary on port {port}:\n{info}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Stops the server and starts it again on the same port, with the same configuration
    /// and an empty dataset and script cache, as after a crash. Existing connections break.
    ///
    /// # Panics
    ///
    /// When the server does not start again.
    pub fn restart(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
        self.process = spawn(&self.binary, &self.dir, self.port, &self.config_refs());
        if let Err(hint) = wait_until_ready(&mut self.process, self.port) {
            panic!(
                "redis-server did not restart on port {}: {hint}\n{}{}",
                self.port,
                self.log(),
                read_console(&self.dir)
            );
        }
    }

    fn config_refs(&self) -> Vec<&str> {
        self.config.iter().map(String::as_str).collect()
    }

    /// The TCP port the server listens on (on 127.0.0.1).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The server's process id, e.g. to kill it from another thread in a fault test.
    pub fn pid(&self) -> u32 {
        self.process.id()
    }

    /// `redis://127.0.0.1:<port>/`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// A client for this server.
    pub fn client(&self) -> redis::Client {
        redis::Client::open(self.url()).expect("the test server's URL is valid")
    }

    /// A new sync connection to this server.
    ///
    /// # Panics
    ///
    /// When the server does not accept the connection.
    pub fn connection(&self) -> redis::Connection {
        self.client().get_connection().unwrap_or_else(|e| {
            panic!(
                "cannot connect to the test server on port {}: {e}",
                self.port
            )
        })
    }

    /// A new multiplexed async connection to this server.
    ///
    /// # Panics
    ///
    /// When the server does not accept the connection.
    #[cfg(feature = "tokio-comp")]
    #[cfg_attr(docsrs, doc(cfg(feature = "tokio-comp")))]
    pub async fn async_connection(&self) -> redis::aio::MultiplexedConnection {
        self.client()
            .get_multiplexed_async_connection()
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "cannot connect to the test server on port {}: {e}",
                    self.port
                )
            })
    }

    /// The server's working folder (its log is `redis.log` in it).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Everything the server has written to its log so far.
    pub fn log(&self) -> String {
        read_log(&self.dir).unwrap_or_default()
    }

    /// Whether the server's script cache holds the script `sha1` (`SCRIPT EXISTS`).
    ///
    /// # Panics
    ///
    /// When the server does not answer.
    pub fn has_script(&self, sha1: &str) -> bool {
        let exists: Vec<bool> = redis::cmd("SCRIPT")
            .arg("EXISTS")
            .arg(sha1)
            .query(&mut self.connection())
            .unwrap_or_else(|e| panic!("SCRIPT EXISTS on port {}: {e}", self.port));
        exists == [true]
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
        crate::coverage::keep_counts(&self.dir, self.port);
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// A client for the server named by the `REDIS_URL` environment variable when it is set,
/// else for a throwaway server started now. Keep the returned server (if any) alive while
/// the client is in use: dropping it stops the server.
///
/// Handy for examples that should run anywhere: against your Redis, or on their own.
pub fn client_from_env() -> redis::RedisResult<(redis::Client, Option<RedisServer>)> {
    match env::var("REDIS_URL") {
        Ok(url) => Ok((redis::Client::open(url)?, None)),
        Err(_) => {
            let server = RedisServer::start();
            Ok((server.client(), Some(server)))
        }
    }
}

/// The server binary: `$REDIS_SERVER_BIN` (a relative path taken from the current
/// folder, not the server's own), else `redis-server` from `PATH`.
pub(crate) fn server_binary() -> PathBuf {
    env::var_os("REDIS_SERVER_BIN").map_or_else(|| PathBuf::from("redis-server"), absolute)
}

fn spawn(binary: &Path, dir: &Path, port: u16, config: &[&str]) -> Child {
    let log = dir.join("redis.log");
    let port_text = port.to_string();
    let mut args: Vec<&str> = vec![
        "--port",
        &port_text,
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--daemonize",
        "no",
        "--loglevel",
        "verbose",
    ];
    let log_text = log.to_string_lossy();
    args.extend(["--logfile", &log_text]);
    args.extend(config);
    let console = fs::File::create(dir.join(CONSOLE_FILE))
        .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.join(CONSOLE_FILE).display()));
    let console_too = console
        .try_clone()
        .unwrap_or_else(|e| panic!("cannot share {CONSOLE_FILE}: {e}"));
    Command::new(binary)
        .args(&args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(console)
        .stderr(console_too)
        .spawn()
        .unwrap_or_else(|error| {
            if error.kind() == io::ErrorKind::NotFound {
                panic!(
                    "`{}` was not found. These tests need a real Redis server: install it \
                     (Debian/Ubuntu: `apt-get install -y redis-server`; macOS: `brew install redis`), \
                     run `cargo xtask test`, which installs it, or set REDIS_SERVER_BIN to its path",
                    binary.display()
                )
            }
            panic!("cannot start `{}`: {error}", binary.display())
        })
}

/// `path`, from the current folder when relative: a server starts in a folder of its own.
pub(crate) fn absolute(path: impl Into<PathBuf>) -> PathBuf {
    let path = path.into();
    if path.is_relative()
        && path.components().count() > 1
        && let Ok(here) = env::current_dir()
    {
        return here.join(path);
    }
    path
}

/// Waits until the server answers `PING`; on failure returns what is known.
fn wait_until_ready(process: &mut Child, port: u16) -> Result<(), String> {
    let deadline = Instant::now() + STARTUP_TIMEOUT;
    while Instant::now() < deadline {
        if let Ok(Some(status)) = process.try_wait() {
            return Err(format!("redis-server exited with {status}"));
        }
        if answers_ping(port) {
            // Another test's server may have won the port: make sure this one answers.
            return if serves_process(port, process.id()) {
                Ok(())
            } else {
                Err("Address already in use: another server answered on the port".to_owned())
            };
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Err(format!(
        "redis-server did not answer PING within {STARTUP_TIMEOUT:?}"
    ))
}

fn answers_ping(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect((Ipv4Addr::LOCALHOST, port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(1)));
    let mut reply = [0_u8; 7];
    stream.write_all(b"PING\r\n").is_ok()
        && stream.read_exact(&mut reply).is_ok()
        && &reply == b"+PONG\r\n"
}

/// Whether the server on `port` is the process `pid`.
fn serves_process(port: u16, pid: u32) -> bool {
    let Ok(client) = redis::Client::open(format!("redis://127.0.0.1:{port}/")) else {
        return false;
    };
    let info: redis::RedisResult<String> = client
        .get_connection()
        .and_then(|mut con| redis::cmd("INFO").arg("server").query(&mut con));
    info.is_ok_and(|info| {
        info.lines()
            .any(|line| line.trim() == format!("process_id:{pid}"))
    })
}

/// A port that was free a moment ago (the OS picks it).
fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("the OS can hand out a free loopback port")
}

/// A new empty folder under the system's temporary folder.
fn fresh_dir() -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let dir = env::temp_dir().join(format!(
        "redis-script-test-{}-{}-{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    dir
}

/// What the server printed on stdout and stderr (configuration errors end up there).
fn read_console(dir: &Path) -> String {
    fs::read_to_string(dir.join(CONSOLE_FILE)).unwrap_or_default()
}

pub(crate) fn read_log(dir: &Path) -> Option<String> {
    fs::read_to_string(dir.join("redis.log")).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_binary_fails_loudly_with_what_to_install() {
        let missing = Path::new("/nonexistent/redis-server");
        let panic = std::panic::catch_unwind(|| RedisServer::start_binary(missing, &[], false))
            .expect_err("starting a missing binary must fail the test");
        let message = panic
            .downcast_ref::<String>()
            .expect("the panic carries a message");
        assert!(
            message.contains("`/nonexistent/redis-server` was not found"),
            "{message}"
        );
        assert!(
            message.contains("apt-get install -y redis-server"),
            "{message}"
        );
    }

    #[test]
    fn a_server_that_cannot_start_shows_its_log() {
        let panic =
            std::panic::catch_unwind(|| RedisServer::start_with(&["--no-such-option", "1"]))
                .expect_err("a bad option must fail the test");
        let message = panic
            .downcast_ref::<String>()
            .expect("the panic carries a message");
        assert!(
            message.starts_with("redis-server did not start"),
            "{message}"
        );
        assert!(
            message.contains("no-such-option"),
            "the server's own complaint is shown: {message}"
        );
    }
}
