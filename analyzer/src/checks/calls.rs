//! `redis.call` and `redis.pcall` with a literal command name (also through an alias or a
//! forwarding function): the command must exist, be allowed in scripts, get a number of
//! arguments its arity accepts and words of the shape its docs describe (option tokens,
//! repeated groups; see [`shapes`](crate::redis::shapes)), and not write in a `no-writes`
//! script.
//!
//! Commands of modules (`JSON.SET`, `FT.SEARCH`: any name with a dot) are not checked: the
//! table only knows Redis's own commands.

use crate::diagnostic::Diagnostic;
use crate::lua::facts::{CommandCall, Facts, Word};
use crate::redis::commands::{Arg, ArgKind, Command};
use crate::redis::shapes::{self, Mismatch};
use crate::redis::target::{Known, Target};
use crate::rules::{self, Rule};

/// The command of `target` whose name is closest to `name`, when one is close (a typo).
fn closest_command(name: &str, target: Target) -> Option<&'static str> {
    let name = name.to_ascii_lowercase();
    target
        .table()
        .commands
        .iter()
        .filter(|command| {
            !command.noscript && matches!(target.command(command.name), Known::Yes(_))
        })
        .map(|command| {
            (
                crate::names::edit_distance(&name, command.name),
                command.name,
            )
        })
        .filter(|(distance, _)| *distance <= 2 && *distance < name.len() / 2 + 1)
        .min()
        .map(|(_, close)| close)
}

/// The `BLOCK` argument of an `XREAD`/`XREADGROUP` call, on a target whose scripts may
/// not block (as `BLPOP` tells: Redis 7.0 refuses blocking commands in scripts, newer
/// servers run them without blocking).
fn refused_block_argument<'a>(
    call: &'a CommandCall,
    full_name: &str,
    target: Target,
) -> Option<&'a crate::lua::facts::Argument> {
    if !matches!(full_name, "XREAD" | "XREADGROUP") {
        return None;
    }
    let Known::Yes(blpop) = target.command("BLPOP") else {
        return None;
    };
    if !blpop.noscript {
        return None;
    }
    // Options come before STREAMS; after it, `block` can be a key or an ID.
    call.args
        .iter()
        .take_while(
            |arg| !matches!(&arg.word, Word::Text(text) if text.eq_ignore_ascii_case("STREAMS")),
        )
        .find(|arg| matches!(&arg.word, Word::Text(text) if text.eq_ignore_ascii_case("BLOCK")))
}

/// Why a call may not write (what declares `no-writes` for the code that makes it), and
/// where to remove that.
pub type WritesRefused<'a> = &'a dyn Fn(&CommandCall) -> Option<(String, &'static str)>;

/// Checks every call with a literal command name, for `target`; `refused` tells which
/// calls may not write (of a `no-writes` script or function), and why.
pub fn check(refused: WritesRefused<'_>, facts: &Facts, target: Target, out: &mut Vec<Diagnostic>) {
    for call in &facts.commands {
        let Some(name) = call.name.as_deref() else {
            continue;
        };
        if name.contains('.') {
            continue;
        }
        let upper = name.to_ascii_uppercase();
        let command = match target.command(name) {
            Known::Yes(command) => command,
            Known::Elsewhere(other) => {
                out.push(needs_other_target(call, &upper, target, other));
                continue;
            }
            Known::No => {
                let help = match closest_command(name, target) {
                    Some(close) => format!("did you mean `{}`?", close.to_ascii_uppercase()),
                    None => "check the spelling; commands of modules (with a dot, like `JSON.SET`) are not checked".to_owned(),
                };
                out.push(
                    problem(
                        &rules::UNKNOWN_COMMAND,
                        call,
                        format!("`{upper}` is not a {} command", target.server()),
                    )
                    .with_help(help),
                );
                continue;
            }
        };
        let (command, full_name, skipped) = match (command.subcommands.is_empty(), call.first_arg())
        {
            (false, Some(sub)) => match command.subcommand(sub) {
                Some(subcommand) => (
                    subcommand,
                    format!("{upper} {}", sub.to_ascii_uppercase()),
                    1,
                ),
                None => {
                    out.push(
                        problem(
                            &rules::UNKNOWN_COMMAND,
                            call,
                            format!("`{upper}` has no subcommand `{}`", sub.to_ascii_uppercase()),
                        )
                        .with_help(format!("its subcommands: {}", subcommand_names(command))),
                    );
                    continue;
                }
            },
            _ => (command, upper, 0),
        };
        if command.noscript {
            out.push(
                problem(
                    &rules::NOSCRIPT_COMMAND,
                    call,
                    format!("`{full_name}` cannot be called from a script"),
                )
                .with_help("Redis refuses it inside scripts: send it from the client instead"),
            );
            continue;
        }
        if let Some(block) = refused_block_argument(call, &full_name, target) {
            out.push(
                Diagnostic::new(
                    &rules::NOSCRIPT_COMMAND,
                    format!(
                        "`{full_name}` with `BLOCK` cannot be called from a script on {}",
                        target.server()
                    ),
                    block.site.at,
                    block.site.width,
                )
                .with_help("this server refuses blocking commands inside scripts (newer ones run them without blocking): leave out `BLOCK`"),
            );
            continue;
        }
        if let Some(words) = call.words().filter(|&w| !command.accepts(w)) {
            out.push(
                problem(
                    &rules::COMMAND_ARITY,
                    call,
                    format!(
                        "`{full_name}` takes {} (its name included), but this call passes {words}",
                        command.arity_text()
                    ),
                )
                .with_help("Redis fails the call at run time with: Wrong number of args calling Redis command from script"),
            );
        } else if let Some(diagnostic) = shape_problem(call, command, &full_name, skipped, target) {
            out.push(diagnostic);
        }
        if command.writes()
            && let Some((why, place)) = refused(call)
        {
            out.push(
                problem(
                    &rules::WRITE_IN_NO_WRITES,
                    call,
                    format!("`{full_name}` writes, but {why}"),
                )
                .with_help(format!(
                    "Redis refuses the write at run time: remove `no-writes` from {place}, or the write"
                )),
            );
        }
    }
}

/// The words of `call` (after its first `skipped`, the subcommand) against the shape of
/// `command`'s arguments.
fn shape_problem(
    call: &CommandCall,
    command: &Command,
    full_name: &str,
    skipped: usize,
    target: Target,
) -> Option<Diagnostic> {
    if call.open_ended || command.args.is_empty() {
        return None;
    }
    let given = &call.args[skipped..];
    let words: Vec<shapes::Word<'_>> = given
        .iter()
        .map(|arg| match &arg.word {
            Word::Text(text) => shapes::Word::Text(text),
            Word::Number(_) => shapes::Word::Number,
            Word::Dynamic | Word::Refused(_) => shapes::Word::Dynamic,
        })
        .collect();
    let Mismatch {
        at,
        expected,
        could_end,
    } = shapes::check(command.args, &words, target).err()?;
    let expected = expected.join(", ");
    let usage = format!("{full_name} {}", usage(command.args, target));
    if let Some(arg) = given.get(at)
        && let Word::Text(text) = &arg.word
        && let Some(since) = later_token(command.args, text, target)
    {
        let message = format!(
            "the `{}` argument of `{full_name}` needs {} {}; this script targets {target}",
            text.to_ascii_uppercase(),
            target.family.display(),
            since.text()
        );
        return Some(Diagnostic::new(&rules::COMMAND_SYNTAX, message, arg.site.at, arg.site.width).with_help(format!(
            "for {target}, Redis's docs give its arguments as `{usage}`; to rely on `{}`, raise the target",
            text.to_ascii_uppercase()
        )));
    }
    let (site, message) = match given.get(at) {
        Some(arg) => {
            let word = match &arg.word {
                Word::Text(text) => format!("`{text}`"),
                Word::Number(number) => format!("`{number}`"),
                Word::Dynamic | Word::Refused(_) => "this value".to_owned(),
            };
            let message = match (expected.is_empty(), could_end) {
                (true, _) => {
                    format!("`{full_name}` takes nothing after the argument before {word}")
                }
                (false, true) => format!(
                    "`{full_name}` does not take {word} here: it takes {expected}, or nothing more"
                ),
                (false, false) => {
                    format!("`{full_name}` does not take {word} here: it expects {expected}")
                }
            };
            (arg.site, message)
        }
        None => (
            given.last().map_or(call.site, |arg| arg.site),
            format!("`{full_name}` needs more after this argument: {expected}"),
        ),
    };
    Some(
        Diagnostic::new(&rules::COMMAND_SYNTAX, message, site.at, site.width).with_help(format!(
            "Redis's docs give its arguments as `{usage}`; Redis refuses other words at run time (a syntax error)"
        )),
    )
}

/// The version that added the argument whose token is `text`, when the target is older.
fn later_token(args: &[Arg], text: &str, target: Target) -> Option<crate::RedisVersion> {
    args.iter().find_map(|arg| {
        let own = arg
            .token
            .filter(|token| token.eq_ignore_ascii_case(text))
            .and(arg.since)
            .filter(|since| !target.has_since(Some(*since)));
        own.or_else(|| later_token(arg.args, text, target))
    })
}

/// A command's arguments for `target` written as Redis's docs show them:
/// `key field value [field value ...]`.
fn usage(args: &[Arg], target: Target) -> String {
    args.iter()
        .filter(|arg| target.has_since(arg.since))
        .map(|arg| arg_usage(arg, target))
        .collect::<Vec<_>>()
        .join(" ")
}

fn arg_usage(arg: &Arg, target: Target) -> String {
    let body = match arg.kind {
        ArgKind::PureToken => String::new(),
        ArgKind::OneOf => arg
            .args
            .iter()
            .filter(|choice| target.has_since(choice.since))
            .map(|choice| arg_usage(choice, target))
            .collect::<Vec<_>>()
            .join(" | "),
        ArgKind::Block => usage(arg.args, target),
        _ => arg.name.to_owned(),
    };
    let once = match (arg.token, body.is_empty()) {
        (Some(token), true) => token.to_owned(),
        (Some(token), false) => format!("{token} {body}"),
        (None, _) if arg.kind == ArgKind::OneOf => format!("<{body}>"),
        (None, _) => body,
    };
    let repeated = if arg.multiple() {
        format!("{once} [{once} ...]")
    } else {
        once
    };
    if arg.optional() {
        let inner = repeated.trim_start_matches('<').trim_end_matches('>');
        format!("[{inner}]")
    } else {
        repeated
    }
}

/// The error for a command the target lacks but `other` has.
fn needs_other_target(
    call: &CommandCall,
    upper: &str,
    target: Target,
    other: Target,
) -> Diagnostic {
    let message = if other.family == target.family {
        format!(
            "`{upper}` needs {} {}; this script targets {target}",
            other.family.display(),
            other.version.text()
        )
    } else {
        format!(
            "`{upper}` is a {} command ({other} and later); this script targets {target}",
            other.family.display()
        )
    };
    problem(&rules::UNKNOWN_COMMAND, call, message).with_help(format!(
        "to rely on it, target a server that has it: `#[redis_script(\"...\", target = \"{other}\")]`, or `target = \"{other}\"` under `[package.metadata.redis-script]` in Cargo.toml for the whole crate"
    ))
}

fn problem(rule: &'static Rule, call: &CommandCall, message: String) -> Diagnostic {
    Diagnostic::new(rule, message, call.site.at, call.site.width)
}

fn subcommand_names(command: &Command) -> String {
    command
        .subcommands
        .iter()
        .map(|s| s.name.to_ascii_uppercase())
        .collect::<Vec<_>>()
        .join(", ")
}
