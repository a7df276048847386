//! Which server a connection reaches, and whether it runs what a script was checked for.

/// A server's family and version, as `INFO server` tells them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Server {
    /// `redis` or `valkey`.
    family: &'static str,
    /// Major and minor version.
    version: (u32, u32),
    /// `Redis 7.0.15`, `Valkey 9.1.2`: for messages.
    pub(crate) display: String,
}

/// The server `INFO server` describes (Valkey also reports a `redis_version`, the Redis
/// version it stays compatible with: its own is `valkey_version`).
pub(crate) fn from_info(info: &str) -> Option<Server> {
    let field = |name: &str| {
        info.lines()
            .find_map(|line| line.strip_prefix(name))
            .map(str::trim)
    };
    let (family, shown, text) = match field("valkey_version:") {
        Some(version) => ("valkey", "Valkey", version),
        None => ("redis", "Redis", field("redis_version:")?),
    };
    Some(Server {
        family,
        version: major_minor(text)?,
        display: format!("{shown} {text}"),
    })
}

/// `(7, 0)` from `7.0.15`.
fn major_minor(text: &str) -> Option<(u32, u32)> {
    let mut parts = text.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next().map_or(Some(0), |m| m.parse().ok())?;
    Some((major, minor))
}

impl Server {
    /// Whether the server runs what `target` (`redis-7.0`, `valkey-9.0`) allows: a server
    /// of the same family at least as new, or Valkey for Redis up to 7.2 (Valkey forked
    /// from Redis 7.2.4). An unreadable target is taken as no constraint.
    pub(crate) fn runs(&self, target: &str) -> bool {
        let Some((family, version)) = target.split_once('-') else {
            return true;
        };
        let Some(version) = major_minor(version) else {
            return true;
        };
        match (family, self.family) {
            (a, b) if a == b => self.version >= version,
            ("redis", "valkey") => version <= (7, 2),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_redis_and_valkey() {
        let redis =
            from_info("# Server\r\nredis_version:7.0.15\r\nredis_mode:standalone\r\n").unwrap();
        assert_eq!(redis.display, "Redis 7.0.15");
        assert!(redis.runs("redis-7.0") && !redis.runs("redis-7.4") && !redis.runs("valkey-8.0"));
        let valkey =
            from_info("redis_version:7.2.4\r\nserver_name:valkey\r\nvalkey_version:9.1.2\r\n")
                .unwrap();
        assert_eq!(valkey.display, "Valkey 9.1.2");
        assert!(valkey.runs("valkey-9.0") && valkey.runs("redis-7.0") && !valkey.runs("redis-8.0"));
        assert!(!valkey.runs("valkey-9.2"));
        assert_eq!(from_info("nothing"), None);
    }
}
