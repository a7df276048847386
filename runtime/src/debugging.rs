//! Tools for a script that misbehaves: stopping one (or a function) that runs too long,
//! and the command line that steps through a call in Redis's Lua debugger.

use std::fmt::Write as _;

use redis::{ConnectionLike, RedisResult, Value};

use crate::call::ScriptCall;
use crate::invocation;
use crate::meta::ScriptMeta;

/// What `SCRIPT KILL` (or `FUNCTION KILL`) did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KillOutcome {
    /// A running script was stopped; its caller gets [`ErrorKind::Killed`](crate::ErrorKind::Killed).
    Killed,
    /// No script was running.
    NotBusy,
    /// The running script has already written, so Redis will not stop it (that would
    /// break atomicity): wait for it, or stop the server with `SHUTDOWN NOSAVE`.
    Unkillable,
}

/// Sends `SCRIPT KILL` to stop a script that keeps the server busy (every other client
/// gets [`ErrorKind::Busy`](crate::ErrorKind::Busy) meanwhile), and `FUNCTION KILL` when
/// what runs is a library function (Redis answers `SCRIPT KILL` with `BUSY` then). Use a
/// connection other than the one waiting for the script.
pub fn kill_running_script(con: &mut dyn ConnectionLike) -> RedisResult<KillOutcome> {
    match kill_outcome(con.req_command(&kill_command("SCRIPT"))) {
        Err(error) if is_function_running(&error) => {
            kill_outcome(con.req_command(&kill_command("FUNCTION")))
        }
        outcome => outcome,
    }
}

/// Async [`kill_running_script`].
#[cfg(feature = "aio")]
#[cfg_attr(docsrs, doc(cfg(feature = "aio")))]
pub async fn kill_running_script_async<C: redis::aio::ConnectionLike>(
    con: &mut C,
) -> RedisResult<KillOutcome> {
    use crate::deadline::bounded;
    match kill_outcome(bounded(con.req_packed_command(&kill_command("SCRIPT"))).await) {
        Err(error) if is_function_running(&error) => {
            kill_outcome(bounded(con.req_packed_command(&kill_command("FUNCTION"))).await)
        }
        outcome => outcome,
    }
}

/// `SCRIPT KILL` or `FUNCTION KILL`.
fn kill_command(family: &str) -> redis::Cmd {
    let mut cmd = redis::cmd(family);
    cmd.arg("KILL");
    cmd
}

/// Whether `SCRIPT KILL` was refused because a function is running.
fn is_function_running(error: &redis::RedisError) -> bool {
    error.code() == Some("BUSY") && error.detail().is_some_and(|d| d.contains("FUNCTION KILL"))
}

fn kill_outcome(reply: RedisResult<Value>) -> RedisResult<KillOutcome> {
    match reply.and_then(Value::extract_error) {
        Ok(_) => Ok(KillOutcome::Killed),
        Err(error) => match error.code() {
            Some("NOTBUSY") => Ok(KillOutcome::NotBusy),
            Some("UNKILLABLE") => Ok(KillOutcome::Unkillable),
            _ => Err(error),
        },
    }
}

impl<R> ScriptCall<R> {
    /// The `redis-cli` command line that runs this call in Redis's Lua debugger, from the
    /// crate root: `redis-cli --ldb --eval lua_scripts/rate_limiter.lua key , 5 60`. Each
    /// key and argument is quoted for a POSIX shell (one that is just `,` cannot be passed
    /// this way: redis-cli takes it for the separator); add `-h`/`-p` for your server. Step
    /// with `s`, print locals with `p`, list the source with `l`; `--ldb` works on a copy
    /// of the data and rolls back at the end (`--ldb-sync-mode` keeps the writes and
    /// blocks the server while you debug).
    ///
    /// A script with `@include`s is sent expanded, and Redis's line numbers are those of
    /// the expanded text: the command then names a file holding that text, written to
    /// `<temp dir>/redis-script-ldb/<sha1>.lua` by this call (if it cannot be written, the
    /// command ends with a shell comment saying why).
    ///
    /// Redis's debugger runs scripts only: for a library function the returned line is a
    /// shell comment saying so.
    pub fn ldb_command(&self) -> String {
        let script = self.script();
        if let Some(function) = script.function_name() {
            return format!(
                "# Redis's Lua debugger runs scripts sent with EVAL, not functions: {function} of {} cannot be stepped through (log with redis.log, or copy its body into a script)",
                script.path()
            );
        }
        let (file, problem) = if script.source_map().has_includes() {
            match expanded_file(script) {
                Ok(path) => (path.to_string_lossy().into_owned(), None),
                Err((path, error)) => (path.to_string_lossy().into_owned(), Some(error)),
            }
        } else {
            (script.path().to_owned(), None)
        };
        let mut line = format!("redis-cli --ldb --eval {}", shell_quote(file.as_bytes()));
        let num_keys = self.num_keys();
        for (i, value) in invocation::values(self.command().args_iter()).enumerate() {
            if i == num_keys {
                line.push_str(" ,");
            }
            let _ = write!(line, " {}", shell_quote(value));
        }
        if let Some(error) = problem {
            let _ = write!(line, "  # could not write {file}: {error}");
        }
        line
    }
}

/// Writes the expanded text of `script` to a file of its own under the temporary folder
/// (named by its SHA1, so it is written again only when missing or changed).
fn expanded_file(
    script: &ScriptMeta,
) -> Result<std::path::PathBuf, (std::path::PathBuf, std::io::Error)> {
    let folder = std::env::temp_dir().join("redis-script-ldb");
    let path = folder.join(format!("{}.lua", script.sha1()));
    let current = std::fs::read(&path).is_ok_and(|bytes| bytes == script.source().as_bytes());
    if !current {
        std::fs::create_dir_all(&folder)
            .and_then(|()| std::fs::write(&path, script.source()))
            .map_err(|error| (path.clone(), error))?;
    }
    Ok(path)
}

/// `text` as one POSIX shell word: unchanged when it is plainly safe, else single-quoted
/// (a `'` inside becomes `'\''`). A key or argument that is a lone `,` cannot be passed
/// through `--eval` at all: redis-cli takes it for the separator, quoted or not.
fn shell_quote(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let safe = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:@%+=,".contains(c));
    if safe {
        text.into_owned()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_only_what_the_shell_would_split() {
        assert_eq!(shell_quote(b"ratelimit:user:1"), "ratelimit:user:1");
        assert_eq!(shell_quote(b"two words"), "'two words'");
        assert_eq!(shell_quote(b"it's"), r"'it'\''s'");
        assert_eq!(shell_quote(b"$HOME"), "'$HOME'");
        assert_eq!(shell_quote(b""), "''");
        assert_eq!(shell_quote(b"a,b"), "a,b");
    }
}
