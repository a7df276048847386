//! Errors a script sends with a literal text must not look like Redis's own: the runtime
//! reads `OOM`, `NOSCRIPT`, `BUSY`... as Redis refusing the call before the script ran, so a
//! script sending them would be taken for not run, and could be run twice.

use crate::diagnostic::Diagnostic;
use crate::lua::facts::Facts;
use crate::redis::errors::reserved;
use crate::rules;

/// Checks `redis.error_reply("...")` and `{err = "..."}` literals.
pub fn check(facts: &Facts, out: &mut Vec<Diagnostic>) {
    for literal in &facts.error_literals {
        let text = literal.text.trim_start_matches('-');
        let (code, message) = text.split_once(' ').unwrap_or((text, ""));
        if let Some(why) = reserved(code, message) {
            out.push(
                Diagnostic::new(&rules::RESERVED_ERROR_CODE,
                    format!("this error would be taken for Redis's own: {why}"),
                    literal.site.at,
                    literal.site.width,
                )
                .with_help(
                    "Redis sends it when it refuses a call before the script runs, so callers would think this script did not run and might run it again: use a code of your own, like `OUT_OF_QUOTA`",
                ),
            );
        }
    }
}
