//! Arguments the `redis` table's functions refuse when the script runs: a command call
//! with nothing to call (`redis.call()`), a command argument that is a table, a boolean
//! or `nil` (`redis.pcall` returns these errors instead of failing the script), `redis.sha1hex()` without its argument, `redis.acl_check_cmd` with a command
//! the server does not have, `redis.set_repl` with a number that is none of the
//! `redis.REPL_*` values.

use crate::diagnostic::Diagnostic;
use crate::lua::facts::{ApiCall, Facts, Word};
use crate::redis::target::{Known, Target};
use crate::rules;

/// The values of `redis.REPL_NONE`, `REPL_AOF`, `REPL_REPLICA` (`REPL_SLAVE`) and
/// `REPL_ALL`, and their union.
const REPL_VALUES: std::ops::RangeInclusive<u64> = 0..=3;

/// Checks the arguments of command calls and of the other `redis.*` calls.
pub fn check(facts: &Facts, target: Target, out: &mut Vec<Diagnostic>) {
    // `redis.pcall` hands these errors back as values: the script goes on.
    for call in facts.commands.iter().filter(|call| !call.protected) {
        if call.empty {
            out.push(
                Diagnostic::new(
                    &rules::REDIS_API_ARGUMENTS,
                    "this command call passes nothing: it needs at least the command's name",
                    call.site.at,
                    call.site.width,
                )
                .with_help(
                    "Redis fails the script here: name the command, `redis.call('GET', KEYS[1])`",
                ),
            );
        }
        for arg in &call.args {
            if let Word::Refused(what) = arg.word {
                out.push(
                    Diagnostic::new(
                        &rules::REDIS_API_ARGUMENTS,
                        format!("{what} cannot be a command argument"),
                        arg.site.at,
                        arg.site.width,
                    )
                    .with_help("Redis takes only strings and numbers as command arguments and fails the script here: pass a string (`tostring(x)`, `cjson.encode(t)`)"),
                );
            }
        }
    }
    for call in &facts.api_calls {
        if let Some(problem) = problem(call, target) {
            out.push(problem);
        }
    }
}

/// What the server refuses in `call`, if the code shows it.
fn problem(call: &ApiCall, target: Target) -> Option<Diagnostic> {
    let first = call.args.first();
    let at = |site: crate::lua::facts::Site, message: String, help: &str| {
        Diagnostic::new(&rules::REDIS_API_ARGUMENTS, message, site.at, site.width).with_help(help)
    };
    match call.member.as_str() {
        "sha1hex" if first.is_none() && !call.open_ended => Some(at(
            call.site,
            "`redis.sha1hex` needs the string to hash".to_owned(),
            "Redis fails the script here: `redis.sha1hex(text)`",
        )),
        "acl_check_cmd" => {
            let first = first?;
            let Word::Text(name) = &first.word else {
                return None;
            };
            if name.contains('.') || matches!(target.command(name), Known::Yes(_)) {
                return None;
            }
            Some(at(
                first.site,
                format!(
                    "`{}` is not a {} command, so `redis.acl_check_cmd` fails",
                    name.to_ascii_uppercase(),
                    target.server()
                ),
                "Redis fails the script when asked about a command it does not have: check the spelling",
            ))
        }
        "set_repl" => {
            let first = first?;
            let Word::Number(number) = &first.word else {
                return None;
            };
            // The servers truncate the number to an integer before checking it.
            let value = match number
                .strip_prefix("0x")
                .or_else(|| number.strip_prefix("0X"))
            {
                Some(hex) => u64::from_str_radix(hex, 16).ok().map(|n| n as f64),
                None => number.parse::<f64>().ok(),
            };
            if value.is_none_or(|n| n >= 0.0 && REPL_VALUES.contains(&(n.trunc() as u64))) {
                return None;
            }
            Some(at(
                first.site,
                format!("`{number}` is not a replication mode"),
                "Redis fails the script here: pass `redis.REPL_ALL`, `redis.REPL_AOF`, `redis.REPL_REPLICA` or `redis.REPL_NONE`",
            ))
        }
        _ => None,
    }
}
