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

/// Whether `code` is one of the [`RESERVED_ERROR_CODES`].
pub(crate) fn is_reserved(code: &str) -> bool {
    RESERVED_ERROR_CODES.binary_search(&code).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lists_are_sorted_for_binary_search() {
        assert!(RESERVED_ERROR_CODES.windows(2).all(|w| w[0] < w[1]));
        assert!(RESERVED_ERR_MESSAGES.windows(2).all(|w| w[0] < w[1]));
        assert!(is_reserved("OOM") && is_reserved("NOSCRIPT") && !is_reserved("LOCKED"));
    }
}
