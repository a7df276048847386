//! `redis.call` and `redis.pcall` with a literal command name: the command must exist, be
//! allowed in scripts, get a number of arguments its arity accepts, and not write in a
//! `no-writes` script.
//!
//! Commands of modules (`JSON.SET`, `FT.SEARCH`: any name with a dot) are not checked: the
//! table only knows Redis's own commands.

use crate::diagnostic::Diagnostic;
use crate::lua::facts::{CommandCall, Facts};
use crate::redis::commands::{self, Command};

/// Checks every call with a literal command name.
pub fn check(read_only: bool, facts: &Facts, later_target: bool, out: &mut Vec<Diagnostic>) {
    for call in &facts.commands {
        let Some(name) = call.name.as_deref() else {
            continue;
        };
        if name.contains('.') {
            continue;
        }
        let upper = name.to_ascii_uppercase();
        let Some(command) = commands::lookup(name) else {
            let unknown = problem(call, format!("`{upper}` is not a Redis {} command", crate::redis::tables::REDIS_VERSION))
                .with_help("check the spelling; commands of modules (with a dot, like `JSON.SET`) are not checked");
            // A later target may have it: then it is only a warning.
            out.push(if later_target {
                unknown.warning()
            } else {
                unknown
            });
            continue;
        };
        let (command, full_name) = match (command.subcommands.is_empty(), call.first_arg()) {
            (false, Some(sub)) => match command.subcommand(sub) {
                Some(subcommand) => (subcommand, format!("{upper} {}", sub.to_ascii_uppercase())),
                None => {
                    out.push(
                        problem(
                            call,
                            format!("`{upper}` has no subcommand `{}`", sub.to_ascii_uppercase()),
                        )
                        .with_help(format!("its subcommands: {}", subcommand_names(command))),
                    );
                    continue;
                }
            },
            _ => (command, upper),
        };
        if command.noscript {
            out.push(
                problem(
                    call,
                    format!("`{full_name}` cannot be called from a script"),
                )
                .with_help("Redis refuses it inside scripts: send it from the client instead"),
            );
            continue;
        }
        if let Some(words) = call.words().filter(|&w| !command.accepts(w)) {
            out.push(
                problem(
                    call,
                    format!(
                        "`{full_name}` takes {} (its name included), but this call passes {words}",
                        command.arity_text()
                    ),
                )
                .with_help("Redis fails the call at run time with: Wrong number of args calling Redis command from script"),
            );
        }
        if read_only && command.writes() {
            out.push(
                problem(call, format!("`{full_name}` writes, but the script's shebang declares `no-writes`"))
                    .with_help("Redis refuses the write at run time: remove `no-writes` from the `#!lua` line, or the write"),
            );
        }
    }
}

fn problem(call: &CommandCall, message: String) -> Diagnostic {
    Diagnostic::new(message, call.site.at, call.site.width)
}

fn subcommand_names(command: &Command) -> String {
    command
        .subcommands
        .iter()
        .map(|s| s.name.to_ascii_uppercase())
        .collect::<Vec<_>>()
        .join(", ")
}
