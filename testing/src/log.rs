//! Reading a server's log: what `redis.log` wrote during a test.

use crate::server::RedisServer;

impl RedisServer {
    /// The end of the log now: [`log_since`](Self::log_since) returns what comes after it.
    pub fn log_mark(&self) -> LogMark {
        LogMark(self.log().len())
    }

    /// The log lines written since `mark`, such as the messages of `redis.log` (the server
    /// logs at `verbose` level, so every level but `LOG_DEBUG` shows).
    ///
    /// ```
    /// # use redis_script_testing::{LogLevel, RedisServer};
    /// let server = RedisServer::start();
    /// let mark = server.log_mark();
    /// let () = redis::cmd("EVAL")
    ///     .arg("redis.log(redis.LOG_WARNING, 'checkpoint ' .. ARGV[1])")
    ///     .arg(0)
    ///     .arg(7)
    ///     .query(&mut server.connection())
    ///     .unwrap();
    /// let lines = server.log_since(mark);
    /// assert!(lines.iter().any(|l| l.level == LogLevel::Warning && l.message == "checkpoint 7"));
    /// ```
    ///
    /// The lines scripts write in coverage mode (redis-script's `coverage` feature) are
    /// left out: a test sees the same lines with coverage on and off.
    pub fn log_since(&self, mark: LogMark) -> Vec<LogLine> {
        let log = self.log();
        log.get(mark.0..)
            .unwrap_or_default()
            .lines()
            .filter(|line| !line.contains(crate::coverage::MARK))
            .filter_map(LogLine::parse)
            .collect()
    }
}

/// A position in a server's log; see [`RedisServer::log_mark`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogMark(usize);

/// The level of a log line, as `redis.log` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogLevel {
    /// `redis.LOG_DEBUG` (`.` in the log).
    Debug,
    /// `redis.LOG_VERBOSE` (`-`).
    Verbose,
    /// `redis.LOG_NOTICE` (`*`).
    Notice,
    /// `redis.LOG_WARNING` (`#`).
    Warning,
}

/// One line of a server's log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    /// Its level.
    pub level: LogLevel,
    /// The message, without the process id, time and level (nor the `<lua> ` Valkey 9 puts
    /// before what scripts log).
    pub message: String,
}

impl LogLine {
    /// Reads `12345:M 28 Nov 2026 00:00:00.123 # message`.
    fn parse(line: &str) -> Option<Self> {
        let mut parts = line.splitn(7, ' ');
        let _process = parts.next()?;
        let (_day, _month, _year, _time) =
            (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        let level = match parts.next()? {
            "." => LogLevel::Debug,
            "-" => LogLevel::Verbose,
            "*" => LogLevel::Notice,
            "#" => LogLevel::Warning,
            _ => return None,
        };
        let message = parts.next().unwrap_or_default();
        // Valkey 9, where Lua is an engine among others, marks what scripts log.
        let message = message.strip_prefix("<lua> ").unwrap_or(message);
        Some(Self {
            level,
            message: message.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_lines_of_every_server() {
        let redis = LogLine::parse("4242:M 02 Dec 2026 04:11:07.162 # hello from lua").unwrap();
        assert_eq!(
            (redis.level, redis.message.as_str()),
            (LogLevel::Warning, "hello from lua")
        );
        let valkey_9 = LogLine::parse("4242:M 02 Dec 2026 04:11:07.162 * <lua> hello").unwrap();
        assert_eq!(
            (valkey_9.level, valkey_9.message.as_str()),
            (LogLevel::Notice, "hello")
        );
        assert_eq!(LogLine::parse("not a log line"), None);
    }
}
