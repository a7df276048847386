//! `cargo xtask servers`: the newer servers the suite runs on besides the machine's own
//! `redis-server` (Debian 12's Redis 7.0): Redis 8.0 and Valkey 8.1 from Debian 13
//! (trixie), Valkey 9 from Debian unstable (sid).
//!
//! Their packages are built against a newer C library than Debian 12 has. So each suite's
//! server packages and the libraries they need are downloaded with apt into a private
//! state (nothing is installed system-wide), unpacked under
//! `target/servers/<suite>/root`, and each server gets wrapper scripts that `exec` the
//! suite's own dynamic loader (so a server's process id is its wrapper's):
//!
//! ```text
//! target/servers/redis-8.0/bin/{redis-server,redis-cli}
//! target/servers/valkey-8.1/bin/{redis-server,redis-cli}
//! target/servers/valkey-9/bin/{redis-server,redis-cli}
//! ```
//!
//! It is idempotent: a server whose wrapper answers `--version` is not fetched again.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A server the suite runs on.
#[derive(Debug, Clone)]
pub struct Server {
    /// How the suite names it: `redis-7.0`, `valkey-9`.
    pub name: &'static str,
    /// Its `redis-server` binary.
    pub server: PathBuf,
    /// Its `redis-cli` binary.
    pub cli: PathBuf,
}

/// One server fetched from a Debian suite.
struct Fetched {
    /// Its folder under `target/servers/`.
    name: &'static str,
    /// The Debian suite it comes from.
    suite: &'static str,
    /// The name its binaries have in the packages (`redis` or `valkey`).
    binaries: &'static str,
    /// The packages that hold it.
    packages: &'static [&'static str],
}

/// The servers fetched, in the order the suite runs them.
const FETCHED: &[Fetched] = &[
    Fetched {
        name: "redis-8.0",
        suite: "trixie",
        binaries: "redis",
        packages: &["redis-server", "redis-tools"],
    },
    Fetched {
        name: "valkey-8.1",
        suite: "trixie",
        binaries: "valkey",
        packages: &["valkey-server", "valkey-tools"],
    },
    Fetched {
        name: "valkey-9",
        suite: "sid",
        binaries: "valkey",
        packages: &["valkey-server", "valkey-tools"],
    },
];

/// The C libraries the servers of the newer suites need, taken from the same suite.
const LIBRARIES: &[&str] = &[
    "libc6",
    "libstdc++6",
    "libgcc-s1",
    "libatomic1",
    "libssl3t64",
    "libjemalloc2",
    "liblzf1",
    "libsystemd0",
    "libcap2",
    "libzstd1",
    "liblz4-1",
    "liblzma5",
    "libgcrypt20",
    "libgpg-error0",
];

/// Debian's archive key, which signs the suites' package lists.
const KEYRING: &str = "/usr/share/keyrings/debian-archive-keyring.gpg";

/// The folder the servers are kept in.
pub fn folder(root: &Path) -> PathBuf {
    root.join("target").join("servers")
}

/// Makes sure every newer server is there, fetching what is missing; returns them with
/// their versions printed.
pub fn ensure(root: &Path) -> Result<Vec<Server>, String> {
    let folder = folder(root);
    let mut servers = Vec::new();
    for fetched in FETCHED {
        let server = Server {
            name: fetched.name,
            server: folder.join(fetched.name).join("bin").join("redis-server"),
            cli: folder.join(fetched.name).join("bin").join("redis-cli"),
        };
        if version(&server.server).is_err() {
            fetch(&folder, fetched)?;
        }
        let version = version(&server.server)
            .map_err(|e| format!("{} does not run after fetching it: {e}", fetched.name))?;
        println!("{}: {version}", fetched.name);
        servers.push(server);
    }
    Ok(servers)
}

/// What `redis-server --version` prints.
pub fn version(binary: &Path) -> Result<String, String> {
    let output = Command::new(binary)
        .arg("--version")
        .output()
        .map_err(|e| format!("{}: {e}", binary.display()))?;
    if !output.status.success() {
        return Err(format!(
            "{} --version failed: {}",
            binary.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// Downloads the packages of `fetched` and its libraries from its suite, unpacks them
/// and writes the wrappers.
fn fetch(folder: &Path, fetched: &Fetched) -> Result<(), String> {
    for tool in ["apt-get", "dpkg-deb"] {
        if Command::new(tool).arg("--version").output().is_err() {
            return Err(format!(
                "`{tool}` is missing: fetching Redis 8.0 and Valkey needs Debian's package tools \
                 (this recipe is for Debian 12); or set REDIS_SERVER_BIN to a server you have"
            ));
        }
    }
    if !Path::new(KEYRING).is_file() {
        return Err(format!(
            "{KEYRING} is missing: install the debian-archive-keyring package"
        ));
    }
    println!(
        "fetching {} from Debian {} into {}",
        fetched.name,
        fetched.suite,
        folder.join(fetched.name).display()
    );
    let base = folder.join(fetched.name);
    let state = base.join("apt");
    let root = base.join("root");
    let debs = state.join("debs");
    let _ = std::fs::remove_dir_all(&base);
    for dir in [
        state.join("lists").join("partial"),
        state.join("cache").join("archives").join("partial"),
        debs.clone(),
        root.clone(),
    ] {
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let sources = state.join("sources.list");
    std::fs::write(
        &sources,
        format!(
            "deb [signed-by={KEYRING}] http://deb.debian.org/debian {} main\n",
            fetched.suite
        ),
    )
    .map_err(|e| format!("{}: {e}", sources.display()))?;
    let options = [
        format!("Dir::Etc::sourcelist={}", sources.display()),
        "Dir::Etc::sourceparts=-".to_owned(),
        format!("Dir::State::Lists={}", state.join("lists").display()),
        format!("Dir::Cache={}", state.join("cache").display()),
        "Debug::NoLocking=1".to_owned(),
    ];
    let apt = |args: &[&str], dir: &Path| {
        let mut command = Command::new("apt-get");
        for option in &options {
            command.arg("-o").arg(option);
        }
        command
            .args(args)
            .current_dir(dir)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("apt-get: {e}"))
    };
    let update = apt(&["update", "-qq"], &state)?;
    if !update.status.success() {
        return Err(format!(
            "cannot read Debian {}'s package lists from deb.debian.org (is Debian's package \
             registry reachable from here?): {}",
            fetched.suite,
            String::from_utf8_lossy(&update.stderr).trim()
        ));
    }
    let mut download = vec!["download", "-qq"];
    download.extend(fetched.packages);
    download.extend(LIBRARIES);
    let downloaded = apt(&download, &debs)?;
    if !downloaded.status.success() {
        return Err(format!(
            "downloading {} from Debian {} failed: {}",
            fetched.packages.join(", "),
            fetched.suite,
            String::from_utf8_lossy(&downloaded.stderr).trim()
        ));
    }
    let entries = std::fs::read_dir(&debs).map_err(|e| format!("{}: {e}", debs.display()))?;
    for entry in entries.flatten() {
        let deb = entry.path();
        if deb.extension().is_some_and(|e| e == "deb") {
            let status = Command::new("dpkg-deb")
                .arg("-x")
                .arg(&deb)
                .arg(&root)
                .status()
                .map_err(|e| format!("dpkg-deb: {e}"))?;
            if !status.success() {
                return Err(format!("dpkg-deb -x {} failed", deb.display()));
            }
        }
    }
    wrap(&base, &root, fetched.binaries)
}

/// Writes `bin/redis-server` and `bin/redis-cli`, which run the unpacked binaries with the
/// unpacked loader and libraries.
fn wrap(base: &Path, root: &Path, binaries: &str) -> Result<(), String> {
    let lib = root.join("usr").join("lib").join("x86_64-linux-gnu");
    let bin = base.join("bin");
    std::fs::create_dir_all(&bin).map_err(|e| format!("{}: {e}", bin.display()))?;
    for tool in ["server", "cli"] {
        let binary = root
            .join("usr")
            .join("bin")
            .join(format!("{binaries}-{tool}"));
        let wrapper = bin.join(format!("redis-{tool}"));
        let text = format!(
            "#!/bin/sh\nexec {loader} --library-path {lib} {binary} \"$@\"\n",
            loader = lib.join("ld-linux-x86-64.so.2").display(),
            lib = lib.display(),
            binary = binary.display()
        );
        std::fs::write(&wrapper, text).map_err(|e| format!("{}: {e}", wrapper.display()))?;
        make_executable(&wrapper)?;
    }
    Ok(())
}

#[cfg(unix)]
fn make_executable(path: &Path) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
        .map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(not(unix))]
fn make_executable(_: &Path) -> Result<(), String> {
    Err("the newer servers are fetched from Debian's packages: this needs Linux".to_owned())
}
