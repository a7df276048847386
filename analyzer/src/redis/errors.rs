//! The error codes Redis uses for its own refusals, which a script must not send itself.
//!
//! The runtime (`redis-script`) reads a reply with one of these codes as Redis refusing
//! the call before the script ran; a script that sent one would be taken for not run, and
//! could be run again. The lists are the runtime's own (`redis_script::RESERVED_ERROR_CODES`
//! and `RESERVED_ERR_MESSAGES`): a test of the workspace checks that the two agree.

/// Codes of Redis's refusals and answers about other scripts.
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

/// Starts of `ERR` messages Redis uses for its refusals and its reports of script failures.
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

/// Why an error a script sends, `code` then `message`, would be mistaken for Redis's own:
/// `None` when it would not.
pub fn reserved(code: &str, message: &str) -> Option<String> {
    if RESERVED_ERROR_CODES.binary_search(&code).is_ok() {
        return Some(format!("`{code}` is an error code Redis uses itself"));
    }
    let prefix = RESERVED_ERR_MESSAGES
        .iter()
        .find(|prefix| code == "ERR" && message.starts_with(*prefix))?;
    Some(format!(
        "`ERR {prefix}...` is how Redis words one of its own errors"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_and_recognised() {
        assert!(RESERVED_ERROR_CODES.windows(2).all(|w| w[0] < w[1]));
        assert!(RESERVED_ERR_MESSAGES.windows(2).all(|w| w[0] < w[1]));
        assert!(reserved("OOM", "full").is_some());
        assert!(reserved("ERR", "wrong number of arguments for x").is_some());
        assert!(reserved("ERR", "my own failure").is_none());
        assert!(reserved("INSUFFICIENT_BALANCE", "").is_none());
    }
}
