//! The wire layout of a script call, `EVALSHA <sha1> <numkeys> keys... args...`, and of a
//! function call, `FCALL <name> <numkeys> keys... args...`: the one place that builds it
//! and reads it back (keys for cluster slots, the `EVAL` form, the words of a debugger
//! command line).
//!
//! The readers take the command's words (`Cmd::args_iter()`), not the command: a batch
//! holds its commands in a redis-rs `Pipeline`, which hands out borrowed views of them
//! rather than `&Cmd` from redis-rs 2.0 on, with the same words.

use redis::{Arg, Cmd};

use crate::meta::ScriptMeta;

/// Words before the keys: the command name, the SHA1 (or source) and the key count.
const PREAMBLE: usize = 3;

/// Typical size of one key or argument, to size the command's buffer.
const TYPICAL_ARG_BYTES: usize = 16;

/// Starts `EVALSHA <sha1> <num_keys>` (`EVALSHA_RO` for a `no-writes` script), or for a
/// library function `FCALL <name> <num_keys>` (`FCALL_RO`), with room for
/// `num_keys + num_args` more words.
pub(crate) fn evalsha(meta: &ScriptMeta, num_keys: usize, num_args: usize) -> Cmd {
    let values = num_keys + num_args;
    let (command, target) = match (meta.function_name(), meta.read_only()) {
        (Some(function), true) => ("FCALL_RO", function),
        (Some(function), false) => ("FCALL", function),
        (None, true) => ("EVALSHA_RO", meta.sent_sha1()),
        (None, false) => ("EVALSHA", meta.sent_sha1()),
    };
    let mut cmd = Cmd::with_capacity(
        PREAMBLE + values,
        command.len() + target.len() + 4 + values * TYPICAL_ARG_BYTES,
    );
    cmd.arg(command).arg(target).arg(num_keys);
    cmd
}

/// The keys and arguments of a call (of its `words`), in order.
pub(crate) fn values<'a>(
    words: impl IntoIterator<Item = Arg<&'a [u8]>>,
) -> impl Iterator<Item = &'a [u8]> {
    simple(words).skip(PREAMBLE)
}

/// The keys of a call with `num_keys` keys.
pub(crate) fn keys<'a>(
    words: impl IntoIterator<Item = Arg<&'a [u8]>>,
    num_keys: usize,
) -> impl Iterator<Item = &'a [u8]> {
    values(words).take(num_keys)
}

/// How many keys and arguments a call has.
pub(crate) fn value_count<'a>(words: impl IntoIterator<Item = Arg<&'a [u8]>>) -> usize {
    values(words).count()
}

/// `EVAL <source> <numkeys> keys... args...` (`EVAL_RO` for a `no-writes` script): the
/// call of `meta` with these `words`, runnable whether or not the server has the script
/// cached. A function has no such form: its call is returned as it is.
pub(crate) fn eval<'a>(meta: &ScriptMeta, words: impl IntoIterator<Item = Arg<&'a [u8]>>) -> Cmd {
    if meta.is_function() {
        return command(words);
    }
    let mut eval = redis::cmd(if meta.read_only() { "EVAL_RO" } else { "EVAL" });
    eval.arg(meta.sent_source());
    for word in simple(words).skip(2) {
        eval.arg(word);
    }
    eval
}

/// A command made of `words`.
pub(crate) fn command<'a>(words: impl IntoIterator<Item = Arg<&'a [u8]>>) -> Cmd {
    let mut cmd = Cmd::new();
    for word in simple(words) {
        cmd.arg(word);
    }
    cmd
}

/// The bytes of each word.
fn simple<'a>(words: impl IntoIterator<Item = Arg<&'a [u8]>>) -> impl Iterator<Item = &'a [u8]> {
    words.into_iter().filter_map(|arg| match arg {
        Arg::Simple(bytes) => Some(bytes),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meta::{test_function, test_library, test_meta};
    use crate::reply::ReplyShape;

    static META: ScriptMeta = test_meta("Echo", "return KEYS", &ReplyShape::Any, true);

    #[test]
    fn builds_and_reads_back_the_layout() {
        let mut cmd = evalsha(&META, 2, 1);
        cmd.arg("a").arg("b").arg(7);
        assert_eq!(
            cmd.args_iter().next(),
            Some(Arg::Simple(&b"EVALSHA_RO"[..]))
        );
        assert_eq!(keys(cmd.args_iter(), 2).collect::<Vec<_>>(), [b"a", b"b"]);
        assert_eq!(
            values(cmd.args_iter()).collect::<Vec<_>>(),
            [&b"a"[..], b"b", b"7"]
        );
        assert_eq!(value_count(cmd.args_iter()), 3);
        let eval = eval(&META, cmd.args_iter());
        let words: Vec<_> = eval.args_iter().collect();
        assert_eq!(
            words,
            [b"EVAL_RO", &b"return KEYS"[..], b"2", b"a", b"b", b"7"].map(Arg::Simple)
        );
    }

    static LIBRARY: ScriptMeta = test_library("#!lua name=counters\n");
    static ADD: ScriptMeta = test_function(&LIBRARY, "add", false);
    static PEEK: ScriptMeta = test_function(&LIBRARY, "peek", true);

    #[test]
    fn functions_are_called_by_name() {
        let mut cmd = evalsha(&ADD, 1, 1);
        cmd.arg("k").arg(2);
        let words: Vec<_> = cmd.args_iter().collect();
        assert_eq!(
            words,
            [b"FCALL", &b"add"[..], b"1", b"k", b"2"].map(Arg::Simple)
        );
        assert_eq!(keys(cmd.args_iter(), 1).collect::<Vec<_>>(), [b"k"]);
        // No EVAL for functions: the call stays as it is.
        assert_eq!(
            eval(&ADD, cmd.args_iter()).args_iter().collect::<Vec<_>>(),
            words
        );
        let read = evalsha(&PEEK, 0, 0);
        assert_eq!(read.args_iter().next(), Some(Arg::Simple(&b"FCALL_RO"[..])));
    }
}
