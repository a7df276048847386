//! The flags a script's `#!lua` shebang may carry.

/// The flags Redis 7 accepts on a script's shebang.
pub const KNOWN_FLAGS: &[&str] = &[
    "no-writes",
    "allow-oom",
    "allow-stale",
    "no-cluster",
    "allow-cross-slot-keys",
];

/// The flag that makes a script read-only: sent as `EVALSHA_RO`, refused any write.
pub const NO_WRITES: &str = "no-writes";
