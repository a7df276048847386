//! The wire layout of a script call, `EVALSHA <sha1> <numkeys> keys... args...`: the one
//! place that builds it and reads it back (keys for cluster slots, the `EVAL` form, the
//! words of a debugger command line).

use redis::{Arg, Cmd};

use crate::meta::ScriptMeta;

/// Words before the keys: the command name, the SHA1 (or source) and the key count.
const PREAMBLE: usize = 3;

/// Typical size of one key or argument, to size the command's buffer.
const TYPICAL_ARG_BYTES: usize = 16;

/// Starts `EVALSHA <sha1> <num_keys>` (`EVALSHA_RO` for a `no-writes` script), with room
/// for `num_keys + num_args` more words.
pub(crate) fn evalsha(meta: &ScriptMeta, num_keys: usize, num_args: usize) -> Cmd {
    let values = num_keys + num_args;
    let mut cmd = Cmd::with_capacity(
        PREAMBLE + values,
        "EVALSHA_RO".len() + 40 + 4 + values * TYPICAL_ARG_BYTES,
    );
    let name = if meta.read_only() {
        "EVALSHA_RO"
    } else {
        "EVALSHA"
    };
    cmd.arg(name).arg(meta.sha1()).arg(num_keys);
    cmd
}

/// The keys and arguments of a call, in order.
pub(crate) fn values(cmd: &Cmd) -> impl Iterator<Item = &[u8]> {
    cmd.args_iter().skip(PREAMBLE).filter_map(|arg| match arg {
        Arg::Simple(bytes) => Some(bytes),
        _ => None,
    })
}

/// The keys of a call with `num_keys` keys.
pub(crate) fn keys(cmd: &Cmd, num_keys: usize) -> impl Iterator<Item = &[u8]> {
    values(cmd).take(num_keys)
}

/// How many keys and arguments a call has.
pub(crate) fn value_count(cmd: &Cmd) -> usize {
    cmd.args_iter().count().saturating_sub(PREAMBLE)
}

/// `EVAL <source> <numkeys> keys... args...` (`EVAL_RO` for a `no-writes` script): the
/// call `cmd` of `meta`, runnable whether or not the server has the script cached.
pub(crate) fn eval(meta: &ScriptMeta, cmd: &Cmd) -> Cmd {
    let mut eval = redis::cmd(if meta.read_only() { "EVAL_RO" } else { "EVAL" });
    eval.arg(meta.source());
    for word in cmd.args_iter().skip(2) {
        if let Arg::Simple(bytes) = word {
            eval.arg(bytes);
        }
    }
    eval
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meta::test_meta;
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
        assert_eq!(keys(&cmd, 2).collect::<Vec<_>>(), [b"a", b"b"]);
        assert_eq!(values(&cmd).collect::<Vec<_>>(), [&b"a"[..], b"b", b"7"]);
        assert_eq!(value_count(&cmd), 3);
        let eval = eval(&META, &cmd);
        let words: Vec<_> = eval.args_iter().collect();
        assert_eq!(
            words,
            [b"EVAL_RO", &b"return KEYS"[..], b"2", b"a", b"b", b"7"].map(Arg::Simple)
        );
    }
}
