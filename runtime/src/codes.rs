//! The error codes this crate reads as Redis's own: a script must not send them itself.

/// Error codes with which Redis refuses a command before any script runs (`NOSCRIPT`,
/// `OOM`, `READONLY`, `NOPERM`, cluster redirections...) or answers for another script
/// (`BUSY`, `UNKILLABLE`, `NOTBUSY`).
///
/// A call failing with one of them is reported as not run ([`Error::may_have_run`] is
/// false), and `NOSCRIPT` makes the call load the script and send it again. So a script
/// must never return or raise these codes itself: a caller would take a script that ran,
/// and may have written, for one that did not, and could run it twice. The macro rejects
/// them in a header's `ERRORS:` section and in literal `redis.error_reply("OOM ...")` and
/// `error({err = "OOM ..."})` calls.
///
/// [`Error::may_have_run`]: crate::Error::may_have_run
pub const RESERVED_ERROR_CODES: &[&str] = &[
    "ASK",
    "BUSY",
    "CLUSTERDOWN",
    "CROSSSLOT",
    "EXECABORT",
    "LOADING",
    "MASTERDOWN",
    "MISCONF",
    "MOVED",
    "NOAUTH",
    "NOPERM",
    "NOREPLICAS",
    "NOSCRIPT",
    "NOTBUSY",
    "OOM",
    "READONLY",
    "TRYAGAIN",
    "UNKILLABLE",
    "WRONGPASS",
];

/// The starts of `ERR` messages with which Redis refuses a script call before it runs
/// (wrong key count, unknown command...) or reports a script's failure in its own words.
/// A script must not send an `ERR` error starting like this either.
pub const RESERVED_ERR_MESSAGES: &[&str] = &[
    "Can not execute a script with write flag",
    "Error compiling function",
    "Error compiling script",
    "Error registering functions",
    "Error running script",
    "Function not found",
    "Number of keys",
    "Script killed by user",
    "number of keys",
    "unknown command",
    "user_function:",
    "user_script:",
    "value is not an integer",
    "wrong number of arguments",
];

/// Whether an error Redis answered to a script or function call (`EVALSHA`, `FCALL` and
/// their `_RO` forms) can only be Redis's refusal of the call before the script started,
/// and never an error the script returned: the call did not run.
///
/// A script can return any error it met (`return redis.pcall(...)` hands back Redis's
/// own text, without the `script: ...` suffix of a raised error), so only texts that no
/// command inside a script can produce count: the cluster's redirections and states,
/// `BUSY`, `LOADING`, `NOSCRIPT`, a missing function, authentication, and refusals that
/// name the call's own command or the keys it declares (inside a script, the same refusals
/// read `ERR ACL failure in script` or `ERR The user executing the script`), and
/// `EXECABORT`. `OOM`, `READONLY`, `MISCONF` and `NOREPLICAS` read the same whether Redis
/// refused the call or a script without flags forwarded them from a command it ran, so
/// they count only for code that `declares_flags` (a `#!lua` line, or a function): Redis
/// checks such code against them before it starts, and not again inside. Texts as
/// Redis 7.0 to 8 and Valkey 8 and 9 write them.
pub(crate) fn refused_before_running(code: &str, detail: &str, declares_flags: bool) -> bool {
    /// The commands that run a script or function: a refusal naming one of them is the
    /// call's own.
    const CALLS: &[&str] = &["'evalsha'", "'evalsha_ro'", "'fcall'", "'fcall_ro'"];
    let names_the_call = || {
        CALLS
            .iter()
            .any(|call| detail.to_ascii_lowercase().contains(call))
    };
    match code {
        "ASK" | "BUSY" | "CLUSTERDOWN" | "CROSSSLOT" | "EXECABORT" | "LOADING" | "MASTERDOWN"
        | "MOVED" | "NOAUTH" | "TRYAGAIN" | "WRONGPASS" => true,
        "NOSCRIPT" => detail.starts_with("No matching script"),
        "OOM" | "READONLY" | "MISCONF" | "NOREPLICAS" => declares_flags,
        "NOPERM" => {
            names_the_call()
                || detail.starts_with("No permissions to access a key")
                || detail.contains("no permissions to access one of the keys used as arguments")
        }
        "ERR" => {
            detail.starts_with("Function not found")
                || detail.starts_with("Can not execute a script with write flag")
                || detail.starts_with("Can not run script on cluster")
                || detail.starts_with("Number of keys can't be")
                || (detail.starts_with("unknown command") && names_the_call())
                || (detail.starts_with("wrong number of arguments") && names_the_call())
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lists_are_sorted() {
        assert!(RESERVED_ERROR_CODES.windows(2).all(|w| w[0] < w[1]));
        assert!(RESERVED_ERR_MESSAGES.windows(2).all(|w| w[0] < w[1]));
    }

    /// The texts Redis 7.0.15, 8.0.2, Valkey 8.1.1 and 9.1.2 answered (probed on each).
    #[test]
    fn only_refusals_no_script_can_forward_mean_not_run() {
        let refused = [
            ("NOSCRIPT", "No matching script. Please use EVAL."),
            ("NOSCRIPT", "No matching script."),
            ("ERR", "Function not found"),
            (
                "NOPERM",
                "this user has no permissions to run the 'evalsha' command",
            ),
            (
                "NOPERM",
                "User noeval has no permissions to run the 'fcall' command",
            ),
            (
                "NOPERM",
                "this user has no permissions to access one of the keys used as arguments",
            ),
            ("NOPERM", "No permissions to access a key"),
            (
                "ERR",
                "Can not execute a script with write flag using *_ro command.",
            ),
            ("MOVED", "3999 127.0.0.1:7002"),
            ("BUSY", "Redis is busy running a script."),
        ];
        for (code, detail) in refused {
            assert!(
                refused_before_running(code, detail, false),
                "{code} {detail}"
            );
        }
        let may_have_run = [
            ("ERR", "value is not an integer or out of range"),
            ("OOM", "command not allowed when used memory > 'maxmemory'."),
            ("READONLY", "You can't write against a read only replica."),
            (
                "ERR",
                "ACL failure in script: User noset has no permissions to run the 'set' command",
            ),
            (
                "ERR",
                "The user executing the script can't run this command or subcommand",
            ),
            (
                "NOPERM",
                "User noset has no permissions to run the 'set' command",
            ),
            ("ERR", "wrong number of arguments for 'get' command"),
            ("MISCONF", "Errors writing to the AOF file"),
        ];
        for (code, detail) in may_have_run {
            assert!(
                !refused_before_running(code, detail, false),
                "{code} {detail}"
            );
        }
        // Code with flags is checked against these before it starts, and not inside.
        assert!(refused_before_running(
            "READONLY",
            "You can't write against a read only replica.",
            true
        ));
        assert!(refused_before_running(
            "OOM",
            "command not allowed when used memory > 'maxmemory'.",
            true
        ));
    }
}
